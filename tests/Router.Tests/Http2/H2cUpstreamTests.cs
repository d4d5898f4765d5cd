using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Tests.Fakes;

namespace Router.Tests.Http2;

/// <summary>`http_version: "2"` toward an upstream that speaks only cleartext HTTP/2 (h2c, prior knowledge).</summary>
public sealed class H2cUpstreamTests
{
    private static async Task<RouterUnderTest> RouterTo(H2cUpstream fake, UpstreamHttpVersion version) =>
        await RouterUnderTest.StartAsync(TestConfig.Build(
            [new ProviderConfig { Name = "h2c", Type = "openai", BaseUrl = fake.BaseUrl + "/v1", ApiKeys = ["sk-h2c"], Timeout = 10, HttpVersion = version }],
            [TestConfig.Route("^gpt-", "h2c")]));

    private static JsonContent Ask(bool stream) => JsonContent.Create(new JsonObject
    {
        ["model"] = "gpt-4o-mini",
        ["stream"] = stream,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }),
    });

    /// <summary>One request through a router whose provider speaks <paramref name="version"/> to the fake; the answer's status, body and what the fake saw.</summary>
    private static async Task<(HttpStatusCode Status, string Body, string[] Protocols)> OneCall(FakeUpstream.Reply reply, UpstreamHttpVersion version, bool stream)
    {
        await using var fake = await H2cUpstream.StartAsync();
        fake.Reply = reply;
        await using var router = await RouterTo(fake, version);
        using var response = await router.Http.PostAsync("/v1/chat/completions", Ask(stream));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), fake.Protocols.ToArray());
    }

    [Fact]
    public async Task A_whole_answer_comes_back_over_h2c()
    {
        var (status, body, protocols) = await OneCall(OpenAiWire.Text("Hello over h2c"), UpstreamHttpVersion.Http2, stream: false);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Hello over h2c", JsonNode.Parse(body)!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal(["HTTP/2"], protocols);
    }

    [Fact]
    public async Task A_streamed_answer_comes_back_over_h2c_chunk_by_chunk()
    {
        var (status, body, protocols) = await OneCall(OpenAiWire.StreamText(["Hel", "lo", " h2c"]), UpstreamHttpVersion.Http2, stream: true);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Hello h2c", ContentOf(body));
        Assert.Equal(["HTTP/2"], protocols);
    }

    [Fact]
    public async Task Many_concurrent_streams_share_one_upstream_connection()
    {
        const int streams = 40;
        await using var fake = await H2cUpstream.StartAsync();
        // Every stream waits until all of them have reached the fake, so all are in flight upstream at once.
        var arrived = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = OpenAiWire.StreamText(["a", "b", "c"]);
        fake.Reply = async (context, body) =>
        {
            if (Interlocked.Increment(ref arrived) == streams) allArrived.TrySetResult();
            await allArrived.Task.WaitAsync(TimeSpan.FromSeconds(20), context.RequestAborted);
            await answer(context, body);
        };
        await using var router = await RouterTo(fake, UpstreamHttpVersion.Http2);

        var texts = await Task.WhenAll(Enumerable.Range(0, streams).Select(async _ =>
        {
            using var response = await router.Http.PostAsync("/v1/chat/completions", Ask(stream: true));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return ContentOf(await response.Content.ReadAsStringAsync());
        }));

        Assert.All(texts, text => Assert.Equal("abc", text));
        Assert.Equal(streams, fake.Protocols.Count(p => p == "HTTP/2"));
        // Kestrel lets 100 streams share a connection: 40 need one (the client may race a second at start).
        Assert.InRange(fake.Connections, 1, 2);
    }

    [Fact]
    public async Task Without_the_key_an_h2c_only_upstream_is_not_reached()
    {
        var (status, _, protocols) = await OneCall(OpenAiWire.Text("never"), UpstreamHttpVersion.Http11, stream: false);

        // Kestrel answers an HTTP/1.1 request on an HTTP/2-only endpoint with a bare 400, which the router relays.
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Empty(protocols);
    }

    /// <summary>The concatenated `delta.content` of an OpenAI SSE answer that ends with [DONE].</summary>
    private static string ContentOf(string sse)
    {
        var text = new StringBuilder();
        var lines = sse.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l["data: ".Length..]).ToList();
        Assert.Equal("[DONE]", lines.Last());
        foreach (var data in lines.SkipLast(1))
            if (JsonNode.Parse(data)!["choices"] is JsonArray { Count: > 0 } choices && choices[0]!["delta"]?["content"] is JsonValue content)
                text.Append(content.GetValue<string>());
        return text.ToString();
    }
}
