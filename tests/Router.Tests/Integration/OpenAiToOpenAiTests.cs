using OpenAI.Chat;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Integration;

/// <summary>OpenAI SDK → router → OpenAI-format upstream: same format, so bodies and streams pass through.</summary>
public sealed class OpenAiToOpenAiTests
{
    private static async Task<(FakeUpstream, RouterUnderTest)> StartAsync()
    {
        var fake = await FakeUpstream.StartAsync();
        fake.Authorize = c => OpenAiWire.HasKey(c, "sk-upstream-1");
        fake.Unauthorized = OpenAiWire.InvalidKey;
        var router = await RouterUnderTest.StartAsync(Build([OpenAiProvider("openai-main", fake, "sk-upstream-1")], [Route("^gpt-", "openai-main")],
            aliases: new Dictionary<string, string> { ["gpt-latest"] = "gpt-4.1" }));
        return (fake, router);
    }

    [Fact]
    public async Task Non_streaming_text_passes_through_with_the_upstream_key()
    {
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;
        fake.Then(OpenAiWire.Text("Hello from upstream"));

        ChatCompletion completion = await Sdk.Chat(router, "gpt-4.1").CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hi")]);

        Assert.Equal("Hello from upstream", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(29, completion.Usage.TotalTokenCount);
        var sent = fake.LastRequest;
        Assert.Equal("/v1/chat/completions", sent.Path);
        Assert.Equal("Bearer sk-upstream-1", sent.Headers["authorization"]);
        Assert.Equal("gpt-4.1", sent.Body!["model"]!.GetValue<string>());
        Assert.Equal("system", sent.Body["messages"]![0]!["role"]!.GetValue<string>());
        Assert.Equal("Hi", sent.Body["messages"]![1]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Aliases_are_applied_before_routing()
    {
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;
        fake.Then(OpenAiWire.Text("aliased"));

        ChatCompletion completion = await Sdk.Chat(router, "gpt-latest").CompleteChatAsync([new UserChatMessage("Hi")]);

        Assert.Equal("aliased", completion.Content[0].Text);
        Assert.Equal("gpt-4.1", fake.LastRequest.Body!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Streaming_arrives_chunk_by_chunk_with_usage()
    {
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;
        fake.Then(OpenAiWire.StreamText(["Hel", "lo", " world"]));

        var (text, updates) = await Sdk.StreamAsync(Sdk.Chat(router, "gpt-4.1"), [new UserChatMessage("Hi")]);

        Assert.Equal("Hello world", text);
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.Stop);
        Assert.Contains(updates, u => u.Usage is { TotalTokenCount: 29 });
        Assert.True(fake.LastRequest.Body!["stream"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Streaming_is_not_buffered()
    {
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;
        fake.Then(OpenAiWire.StreamText(["one", " two", " three"], pause: TimeSpan.FromMilliseconds(400)));

        var started = DateTime.UtcNow;
        DateTime? firstText = null;
        await foreach (var update in Sdk.Chat(router, "gpt-4.1").CompleteChatStreamingAsync([new UserChatMessage("Hi")]))
            if (update.ContentUpdate.Count > 0 && update.ContentUpdate[0].Text.Length > 0) firstText ??= DateTime.UtcNow;
        var total = DateTime.UtcNow - started;

        Assert.NotNull(firstText);
        // The first word must arrive long before the upstream has finished (about 2 s of pauses).
        Assert.True(firstText!.Value - started < total - TimeSpan.FromMilliseconds(600), $"first token after {(firstText.Value - started).TotalMilliseconds} ms of {total.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Tool_calls_and_tool_results_round_trip()
    {
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;
        fake.Then(OpenAiWire.ToolCall("call_abc123", "get_weather", """{"location":"Paris"}"""), OpenAiWire.Text("It is sunny in Paris."));
        var client = Sdk.Chat(router, "gpt-4.1");
        var options = new ChatCompletionOptions { Tools = { Sdk.WeatherTool } };
        List<ChatMessage> messages = [new UserChatMessage("Weather in Paris?")];

        ChatCompletion call = await client.CompleteChatAsync(messages, options);
        Assert.Equal(ChatFinishReason.ToolCalls, call.FinishReason);
        Assert.Equal("get_weather", call.ToolCalls[0].FunctionName);
        Assert.Equal("""{"location":"Paris"}""", call.ToolCalls[0].FunctionArguments.ToString());

        messages.Add(new AssistantChatMessage(call));
        messages.Add(new ToolChatMessage(call.ToolCalls[0].Id, "sunny, 24C"));
        ChatCompletion answer = await client.CompleteChatAsync(messages, options);

        Assert.Equal("It is sunny in Paris.", answer.Content[0].Text);
        var sent = fake.LastRequest.Body!["messages"]!.AsArray();
        Assert.Equal("call_abc123", sent[2]!["tool_call_id"]!.GetValue<string>());
        Assert.Equal("sunny, 24C", sent[2]!["content"]!.GetValue<string>());
        Assert.Equal("get_weather", fake.LastRequest.Body["tools"]![0]!["function"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Streamed_tool_call_arguments_arrive_whole()
    {
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;
        fake.Then(OpenAiWire.StreamToolCall("call_s1", "get_weather", ["{\"loc", "ation\":", "\"Oslo\"}"]));

        var (_, updates) = await Sdk.StreamAsync(Sdk.Chat(router, "gpt-4.1"), [new UserChatMessage("Weather in Oslo?")], new ChatCompletionOptions { Tools = { Sdk.WeatherTool } });

        var toolUpdates = updates.SelectMany(u => u.ToolCallUpdates).ToList();
        Assert.Equal("call_s1", toolUpdates.First(t => t.ToolCallId is not null).ToolCallId);
        Assert.Equal("get_weather", toolUpdates.First(t => t.FunctionName is not null).FunctionName);
        Assert.Equal("{\"location\":\"Oslo\"}", string.Concat(toolUpdates.Select(t => t.FunctionArgumentsUpdate?.ToString())));
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.ToolCalls);
    }
}
