using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Tests.Support;

namespace Router.Protocols.Tests;

/// <summary>decode(encode(x)) == x for every request each format can express, field for field.</summary>
public sealed class RequestRoundTripTests
{
    private static JsonNode Schema() => JsonNode.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""")!;

    /// <summary>Requests in OpenAI Chat's normal form: one tool result per tool message, reasoning before text before calls.</summary>
    public static TheoryData<string, ChatRequest> OpenAiRequests => new()
    {
        { "minimal", new ChatRequest { Model = "gpt-4.1", Messages = [ChatMessage.Text(Role.User, "Hello")] } },
        { "options and multi-turn", new ChatRequest
        {
            Model = "gpt-4.1",
            Messages = [ChatMessage.Text(Role.System, "Be brief."), ChatMessage.Text(Role.Developer, "Metric."), ChatMessage.Text(Role.User, "One"),
                ChatMessage.Text(Role.Assistant, "Two"), ChatMessage.Text(Role.User, "Three")],
            Temperature = 0.7, TopP = 0.9, MaxTokens = 256, Stop = ["a", "b"], User = "u1", ReasoningEffort = "high",
        } },
        { "images", new ChatRequest
        {
            Model = "gpt-4o",
            Messages = [new ChatMessage(Role.User, [new TextPart("Compare"), new ImagePart(null, "image/png", "iVBORw0KGgo="), new ImagePart("https://example.com/b.jpg")])],
        } },
        { "parallel tool calls", new ChatRequest
        {
            Model = "gpt-4.1",
            Tools = [new ToolDefinition("get_weather", "Weather by city", Schema()), new ToolDefinition("now", null, null)],
            ToolChoice = new ToolChoice(ToolChoiceKind.Specific, "get_weather"),
            ParallelToolCalls = true,
            Messages =
            [
                ChatMessage.Text(Role.User, "Rome and Oslo?"),
                new ChatMessage(Role.Assistant, [new ReasoningPart("Two calls."), new TextPart("Checking."),
                    new ToolCallPart("call_1", "get_weather", """{"city":"Rome"}"""), new ToolCallPart("call_2", "get_weather", """{"city": "Oslo"}""")]),
                new ChatMessage(Role.Tool, [new ToolResultPart("call_1", "22")]),
                new ChatMessage(Role.Tool, [new ToolResultPart("call_2", "-3")]),
                ChatMessage.Text(Role.User, "Thanks"),
            ],
        } },
        { "json schema, stream with usage", new ChatRequest
        {
            Model = "gpt-4.1",
            Messages = [ChatMessage.Text(Role.User, "Give JSON")],
            ResponseFormat = new ResponseFormat(ResponseFormatKind.JsonSchema, "answer", Schema(), Strict: true),
            ToolChoice = new ToolChoice(ToolChoiceKind.None),
            Stream = true, IncludeUsage = true,
        } },
        { "json object, required tools, serial, stream", new ChatRequest
        {
            Model = "gpt-4.1",
            Messages = [ChatMessage.Text(Role.User, "Give JSON")],
            Tools = [new ToolDefinition("f", "does f", Schema())],
            ResponseFormat = new ResponseFormat(ResponseFormatKind.JsonObject),
            ToolChoice = new ToolChoice(ToolChoiceKind.Required), ParallelToolCalls = false,
            Stream = true,
        } },
        { "text format, auto tools", new ChatRequest
        {
            Model = "gpt-4.1",
            Messages = [ChatMessage.Text(Role.User, "Hi")],
            ResponseFormat = new ResponseFormat(ResponseFormatKind.Text),
            ToolChoice = ToolChoice.Auto,
        } },
    };

    /// <summary>Requests in Anthropic's normal form: system first, alternating turns, max_tokens set, compact tool input.</summary>
    public static TheoryData<string, ChatRequest> AnthropicRequests => new()
    {
        { "minimal", new ChatRequest { Model = "claude-x", MaxTokens = 100, IncludeUsage = true, Messages = [ChatMessage.Text(Role.User, "Hello")] } },
        { "options and multi-turn", new ChatRequest
        {
            Model = "claude-x", MaxTokens = 512, IncludeUsage = true,
            Messages = [ChatMessage.Text(Role.System, "Be brief."), ChatMessage.Text(Role.User, "One"), ChatMessage.Text(Role.Assistant, "Two"), ChatMessage.Text(Role.User, "Three")],
            Temperature = 0.5, TopP = 0.9, Stop = ["END", "STOP"], User = "user-1", ReasoningBudgetTokens = 2000, Stream = true,
        } },
        { "images and several text blocks", new ChatRequest
        {
            Model = "claude-x", MaxTokens = 100, IncludeUsage = true,
            Messages = [new ChatMessage(Role.User, [new TextPart("Compare"), new ImagePart(null, "image/jpeg", "/9j/4AA="), new ImagePart("https://example.com/b.png"), new TextPart("please")])],
        } },
        { "signed thinking, parallel calls, results with an error, follow-up text", new ChatRequest
        {
            Model = "claude-x", MaxTokens = 4096, IncludeUsage = true,
            Tools = [new ToolDefinition("get_weather", "Weather by city", Schema())],
            ToolChoice = new ToolChoice(ToolChoiceKind.Required),
            ParallelToolCalls = false,
            Messages =
            [
                ChatMessage.Text(Role.User, "Rome and Oslo?"),
                new ChatMessage(Role.Assistant, [new ReasoningPart("Two calls.", "sig=="), new TextPart("Checking."),
                    new ToolCallPart("toolu_1", "get_weather", """{"city":"Rome"}"""), new ToolCallPart("toolu_2", "get_weather", """{"city":"Oslo"}""")]),
                new ChatMessage(Role.Tool, [new ToolResultPart("toolu_1", "22"), new ToolResultPart("toolu_2", "timeout", IsError: true)]),
                ChatMessage.Text(Role.User, "Thanks"),
            ],
        } },
        { "specific tool", new ChatRequest
        {
            Model = "claude-x", MaxTokens = 10, IncludeUsage = true, Messages = [ChatMessage.Text(Role.User, "Hi")],
            Tools = [new ToolDefinition("f", null, Schema())], ToolChoice = new ToolChoice(ToolChoiceKind.Specific, "f"),
        } },
        { "no tools allowed", new ChatRequest
        {
            Model = "claude-x", MaxTokens = 10, IncludeUsage = true, Messages = [ChatMessage.Text(Role.User, "Hi")],
            Tools = [new ToolDefinition("f", "does f", Schema())], ToolChoice = new ToolChoice(ToolChoiceKind.None),
        } },
        { "auto tools", new ChatRequest
        {
            Model = "claude-x", MaxTokens = 10, IncludeUsage = true, Messages = [ChatMessage.Text(Role.User, "Hi")],
            Tools = [new ToolDefinition("f", "does f", Schema())], ToolChoice = ToolChoice.Auto,
        } },
    };

    [Theory]
    [MemberData(nameof(OpenAiRequests))]
    public void OpenAi_requests_survive_encode_then_decode(string name, ChatRequest request)
    {
        _ = name;
        var decoded = WireFormats.OpenAiChat.DecodeRequest(WireFormats.OpenAiChat.EncodeRequest(request, request.Model));

        Assert.Equal(Describe.Request(request), Describe.Request(decoded));
    }

    [Theory]
    [MemberData(nameof(AnthropicRequests))]
    public void Anthropic_requests_survive_encode_then_decode(string name, ChatRequest request)
    {
        _ = name;
        var decoded = WireFormats.AnthropicMessages.DecodeRequest(WireFormats.AnthropicMessages.EncodeRequest(request, request.Model));

        Assert.Equal(Describe.Request(request), Describe.Request(decoded));
    }

    [Theory]
    [MemberData(nameof(AnthropicRequests))]
    public void Anthropic_requests_survive_a_trip_through_openai_chat_for_what_both_express(string name, ChatRequest request)
    {
        _ = name;
        var viaOpenAi = WireFormats.OpenAiChat.DecodeRequest(WireFormats.OpenAiChat.EncodeRequest(request, request.Model));
        var back = WireFormats.AnthropicMessages.DecodeRequest(WireFormats.AnthropicMessages.EncodeRequest(viaOpenAi, request.Model));

        // OpenAI Chat carries neither thinking signatures, nor the error flag of a tool result, nor a thinking budget.
        var expected = request with
        {
            ReasoningBudgetTokens = null,
            Messages = request.Messages.Select(m => m with
            {
                Content = m.Content.Where(p => p is not ReasoningPart).Select(p => p is ToolResultPart r ? r with { IsError = false } : p).ToList(),
            }).ToList(),
        };
        Assert.Equal(Describe.Request(expected), Describe.Request(back));
    }
}
