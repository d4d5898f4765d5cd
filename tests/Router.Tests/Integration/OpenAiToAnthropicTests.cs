using System.Text.Json.Nodes;
using OpenAI.Chat;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Integration;

/// <summary>OpenAI SDK → router → Anthropic Messages upstream: requests, answers, streams and tools translated.</summary>
public sealed class OpenAiToAnthropicTests
{
    private static async Task<(FakeUpstream, RouterUnderTest)> StartAsync()
    {
        var fake = await FakeUpstream.StartAsync();
        fake.Authorize = c => AnthropicWire.HasKey(c, "sk-ant-upstream-1");
        fake.Unauthorized = AnthropicWire.InvalidKey;
        var router = await RouterUnderTest.StartAsync(Build([AnthropicProvider("anthropic-main", fake, "sk-ant-upstream-1")], [Route("^claude-", "anthropic-main")]));
        return (fake, router);
    }

    [Fact]
    public async Task Non_streaming_text_is_translated_both_ways()
    {
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;
        fake.Then(AnthropicWire.Text("Bonjour!"));

        ChatCompletion completion = await Sdk.Chat(router, "claude-sonnet-4-5").CompleteChatAsync(
            [new SystemChatMessage("Answer in French."), new UserChatMessage("Hello"), new AssistantChatMessage("Salut"), new UserChatMessage("Again")],
            new ChatCompletionOptions { MaxOutputTokenCount = 300, Temperature = 0.5f });

        Assert.Equal("Bonjour!", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(12, completion.Usage.InputTokenCount);
        Assert.Equal(6, completion.Usage.OutputTokenCount);

        var sent = fake.LastRequest;
        Assert.Equal("/v1/messages", sent.Path);
        Assert.Equal("sk-ant-upstream-1", sent.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", sent.Headers["anthropic-version"]);
        Assert.False(sent.Headers.ContainsKey("authorization"));
        var body = sent.Body!;
        Assert.Equal("claude-sonnet-4-5", body["model"]!.GetValue<string>());
        Assert.Equal("Answer in French.", body["system"]!.GetValue<string>());
        Assert.Equal(300, body["max_tokens"]!.GetValue<int>());
        var messages = body["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("Again", TextOf(messages[2]!));
    }

    [Fact]
    public async Task Streaming_is_translated_event_by_event()
    {
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;
        fake.Then(AnthropicWire.StreamText(["Hi", " there", "!"]));

        var (text, updates) = await Sdk.StreamAsync(Sdk.Chat(router, "claude-sonnet-4-5"), [new UserChatMessage("Hello")]);

        Assert.Equal("Hi there!", text);
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.Stop);
        Assert.Contains(updates, u => u.Usage is { InputTokenCount: 25, OutputTokenCount: 15 });
        Assert.True(fake.LastRequest.Body!["stream"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Tool_use_becomes_a_tool_call_and_the_result_goes_back_as_tool_result()
    {
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;
        fake.Then(
            AnthropicWire.ToolUse("toolu_01A09q90qw90lq917835lq9", "get_weather", new JsonObject { ["location"] = "Paris" }, preface: "Let me check."),
            AnthropicWire.Text("Sunny, 24C in Paris."));
        var client = Sdk.Chat(router, "claude-sonnet-4-5");
        var options = new ChatCompletionOptions { Tools = { Sdk.WeatherTool }, ToolChoice = ChatToolChoice.CreateRequiredChoice() };
        List<ChatMessage> messages = [new UserChatMessage("Weather in Paris?")];

        ChatCompletion call = await client.CompleteChatAsync(messages, options);

        Assert.Equal(ChatFinishReason.ToolCalls, call.FinishReason);
        Assert.Equal("toolu_01A09q90qw90lq917835lq9", call.ToolCalls[0].Id);
        Assert.Equal("Paris", JsonNode.Parse(call.ToolCalls[0].FunctionArguments.ToString())!["location"]!.GetValue<string>());
        var firstBody = fake.LastRequest.Body!;
        Assert.Equal("get_weather", firstBody["tools"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("location", firstBody["tools"]![0]!["input_schema"]!["required"]![0]!.GetValue<string>());
        Assert.Equal("any", firstBody["tool_choice"]!["type"]!.GetValue<string>());

        messages.Add(new AssistantChatMessage(call));
        messages.Add(new ToolChatMessage(call.ToolCalls[0].Id, "sunny, 24C"));
        ChatCompletion answer = await client.CompleteChatAsync(messages, options);

        Assert.Equal("Sunny, 24C in Paris.", answer.Content[0].Text);
        var sent = fake.LastRequest.Body!["messages"]!.AsArray();
        var toolUse = sent[1]!["content"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "tool_use")!;
        Assert.Equal("Paris", toolUse["input"]!["location"]!.GetValue<string>());
        var toolResult = sent[2]!["content"]![0]!;
        Assert.Equal("user", sent[2]!["role"]!.GetValue<string>());
        Assert.Equal("tool_result", toolResult["type"]!.GetValue<string>());
        Assert.Equal("toolu_01A09q90qw90lq917835lq9", toolResult["tool_use_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Streamed_tool_use_becomes_streamed_tool_call()
    {
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;
        fake.Then(AnthropicWire.StreamToolUse("Checking.", "toolu_stream1", "get_weather", ["{\"location\":", " \"Oslo\"}"]));

        var (text, updates) = await Sdk.StreamAsync(Sdk.Chat(router, "claude-sonnet-4-5"), [new UserChatMessage("Weather in Oslo?")], new ChatCompletionOptions { Tools = { Sdk.WeatherTool } });

        Assert.Equal("Checking.", text);
        var toolUpdates = updates.SelectMany(u => u.ToolCallUpdates).ToList();
        Assert.Equal("toolu_stream1", toolUpdates.First(t => t.ToolCallId is not null).ToolCallId);
        Assert.Equal("get_weather", toolUpdates.First(t => t.FunctionName is not null).FunctionName);
        Assert.Equal("Oslo", JsonNode.Parse(string.Concat(toolUpdates.Select(t => t.FunctionArgumentsUpdate?.ToString())))!["location"]!.GetValue<string>());
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.ToolCalls);
    }

    [Fact]
    public async Task Upstream_400_comes_back_in_openai_shape_without_failover()
    {
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;
        fake.Then(AnthropicWire.BadRequest("messages: text content blocks must be non-empty"));

        var response = await router.Http.PostAsync("/v1/chat/completions", Json.Body("claude-sonnet-4-5"));

        Assert.Equal(400, (int)response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("messages: text content blocks must be non-empty", error["message"]!.GetValue<string>());
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Single(fake.Requests);
        Assert.Equal("healthy", await router.ProviderHealthAsync("anthropic-main"));
    }

    [Fact]
    public async Task A_field_anthropic_cannot_express_is_dropped_with_a_debug_line()
    {
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;
        fake.Then(AnthropicWire.Text("ok"));

        var response = await router.Http.PostAsync("/v1/chat/completions",
            Json.Raw("""{"model":"claude-x","frequency_penalty":0.5,"logit_bias":{"50256":-100},"messages":[{"role":"user","content":"Hi"}]}"""));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Null(fake.LastRequest.Body!["frequency_penalty"]);
        Assert.Contains(router.Log.Lines, l => l.StartsWith("Debug") && l.Contains("frequency_penalty, logit_bias") && l.Contains("dropped"));
    }

    [Fact]
    public async Task An_image_skips_a_text_only_provider_and_gets_400_when_none_can_take_it()
    {
        var textOnly = await FakeUpstream.StartAsync();
        var vision = await FakeUpstream.StartAsync();
        await using var _ = textOnly; await using var __ = vision;
        vision.DefaultReply = AnthropicWire.Text("a cat");
        await using var router = await RouterUnderTest.StartAsync(Build(
            [OpenAiProvider("text-only", textOnly, "k1") with { AcceptsImages = false }, AnthropicProvider("vision", vision, "k2")],
            [Route("^any$", "text-only", "vision"), Route("^blind$", "text-only")]));
        const string image = """[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]""";

        var served = await router.Http.PostAsync("/v1/chat/completions", Json.Raw($$$"""{"model":"any","messages":[{"role":"user","content":{{{image}}}}]}"""));
        var refused = await router.Http.PostAsync("/v1/chat/completions", Json.Raw($$$"""{"model":"blind","messages":[{"role":"user","content":{{{image}}}}]}"""));

        Assert.Equal(200, (int)served.StatusCode);
        Assert.Contains("a cat", await served.Content.ReadAsStringAsync());
        Assert.Equal("image", vision.LastRequest.Body!["messages"]![0]!["content"]![1]!["type"]!.GetValue<string>());
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Contains("text only", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>());
        Assert.Empty(textOnly.Requests);
    }

    private static string TextOf(JsonNode message) => message["content"] switch
    {
        JsonValue v => v.GetValue<string>(),
        JsonArray a => string.Concat(a.Select(b => b!["text"]?.GetValue<string>())),
        _ => "",
    };
}
