using System.Text.Json.Nodes;
using Router.Tests.Fakes;

namespace Router.Tests.Conformance;

/// <summary>One router in front of one fake per upstream type, shared by every cell of the matrix.</summary>
public sealed class MatrixFixture : IAsyncLifetime
{
    public Dictionary<string, FakeUpstream> Fakes { get; } = [];
    public RouterUnderTest Router { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        foreach (var side in UpstreamSide.All) Fakes[side.Type] = await FakeUpstream.StartAsync();
        Router = await RouterUnderTest.StartAsync(TestConfig.Build(
            UpstreamSide.All.Select(s => s.Provider(Fakes[s.Type])),
            UpstreamSide.All.Select(s => TestConfig.Route($"^{s.Model}$", s.Type))));
    }

    public async Task DisposeAsync()
    {
        await Router.DisposeAsync();
        foreach (var fake in Fakes.Values) await fake.DisposeAsync();
    }
}

/// <summary>
/// Every inbound format × every upstream type × {stream, whole} × {plain text, tool call then tool
/// result}. Each cell checks what the client received and what the fake upstream was sent.
/// </summary>
public sealed class ConformanceMatrixTests(MatrixFixture matrix) : IClassFixture<MatrixFixture>
{
    private const string Answer = "The weather is sunny in Paris.";

    public static TheoryData<string, string, bool> Cells()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var client in ClientSide.All)
            foreach (var upstream in UpstreamSide.All)
                foreach (var stream in new[] { false, true })
                    data.Add(client.Name, upstream.Type, stream);
        return data;
    }

    private static ClientSide Client(string name) => ClientSide.All.Single(c => c.Name == name);
    private static UpstreamSide Upstream(string type) => UpstreamSide.All.Single(u => u.Type == type);

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Plain_text(string clientName, string upstreamType, bool stream)
    {
        var (client, upstream, fake) = (Client(clientName), Upstream(upstreamType), matrix.Fakes[upstreamType]);
        fake.Then(upstream.Text(Answer, stream));
        var before = fake.Requests.Count;

        var text = await client.TextAsync(matrix.Router, upstream.Model, stream);

        Assert.Equal(Answer, text);
        Assert.Equal(before + 1, fake.Requests.Count);
        var sent = fake.LastRequest;
        Assert.Equal(upstream.ExpectedPath(stream), sent.Path);
        Assert.Equal(ClientSide.Prompt, upstream.LastUserText(sent.Body!));
        Assert.Equal(stream && upstreamType != "gemini", upstream.StreamFlag(sent.Body!));
        if (upstreamType != "gemini") Assert.Equal(upstream.Model, sent.Body!["model"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Tool_call_and_tool_result_round_trip(string clientName, string upstreamType, bool stream)
    {
        var (client, upstream, fake) = (Client(clientName), Upstream(upstreamType), matrix.Fakes[upstreamType]);
        fake.Then(upstream.ToolCall("call_matrix_1", stream), upstream.Text(Answer, stream));

        var call = await client.ToolCallAsync(matrix.Router, upstream.Model, stream);

        Assert.Equal(UpstreamSide.Tool, call.Name);
        Assert.Equal("Paris", JsonNode.Parse(call.ArgumentsJson)!["location"]!.GetValue<string>());
        Assert.Contains(UpstreamSide.Tool, upstream.ToolNames(fake.LastRequest.Body!));
        if (upstreamType != "gemini" && clientName != "gemini") Assert.Equal("call_matrix_1", call.Id);

        var text = await client.AfterToolAsync(matrix.Router, upstream.Model, stream, call);

        Assert.Equal(Answer, text);
        var (reference, content) = upstream.ToolResult(fake.LastRequest.Body!);
        Assert.Equal(upstreamType == "gemini" ? UpstreamSide.Tool : clientName == "gemini" ? reference : "call_matrix_1", reference);
        Assert.Contains(ClientSide.ToolOutput, content);
    }
}
