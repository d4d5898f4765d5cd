using Router.Protocols.Canonical;
using Router.Protocols.Tests.Support;

namespace Router.Protocols.Tests;

/// <summary>decode(encode(x)) == x for whole answers, over what each format can express.</summary>
public sealed class ResponseRoundTripTests
{
    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeSeconds(1700000000);

    /// <summary>OpenAI: reasoning (unsigned) before one text before tool calls; usage details optional.</summary>
    public static TheoryData<string, ChatResponse> OpenAiResponses => new()
    {
        { "text", new ChatResponse("chatcmpl-1", "gpt-4.1", [new TextPart("Hello.")], FinishReason.Stop, new Usage(12, 3), Created) },
        { "usage details", new ChatResponse("chatcmpl-2", "o3", [new ReasoningPart("Thinking."), new TextPart("42")], FinishReason.Stop, new Usage(50, 30, 20, 25), Created) },
        { "tool calls only", new ChatResponse("chatcmpl-3", "gpt-4.1",
            [new ToolCallPart("call_1", "a", """{"x":1}"""), new ToolCallPart("call_2", "b", "{}")], FinishReason.ToolCalls, new Usage(9, 9), Created) },
        { "text and calls, cut short", new ChatResponse("chatcmpl-4", "gpt-4.1",
            [new TextPart("Let me see."), new ToolCallPart("call_1", "a", """{"x":""")], FinishReason.Length, new Usage(9, 9), Created) },
        { "filtered, no usage", new ChatResponse("chatcmpl-5", "gpt-4.1", [new TextPart("I can")], FinishReason.ContentFilter, null, Created) },
    };

    /// <summary>Anthropic: blocks in any order, signed thinking, usage with its cache reads (no reasoning token count, no time).</summary>
    public static TheoryData<string, ChatResponse> AnthropicResponses => new()
    {
        { "text", new ChatResponse("msg_1", "claude-x", [new TextPart("Hello.")], FinishReason.Stop, new Usage(12, 3, 0), Created) },
        { "cached input", new ChatResponse("msg_2", "claude-x", [new TextPart("Hi"), new TextPart(" again")], FinishReason.Stop, new Usage(2012, 3, 2000), Created) },
        { "thinking and calls", new ChatResponse("msg_3", "claude-x",
            [new ReasoningPart("Plan.", "sig-1"), new TextPart("Calling."), new ToolCallPart("toolu_1", "a", """{"x":[1,{"y":null}]}"""), new ToolCallPart("toolu_2", "b", "{}")],
            FinishReason.ToolCalls, new Usage(40, 20, 10), Created) },
        { "max tokens", new ChatResponse("msg_4", "claude-x", [new TextPart("Once upon")], FinishReason.Length, new Usage(5, 2, 0), Created) },
        { "refusal", new ChatResponse("msg_5", "claude-x", [], FinishReason.ContentFilter, new Usage(5, 0, 0), Created) },
    };

    [Theory]
    [MemberData(nameof(OpenAiResponses))]
    public void OpenAi_responses_survive_encode_then_decode(string name, ChatResponse response)
    {
        _ = name;
        var decoded = WireFormats.OpenAiChat.DecodeResponse(WireFormats.OpenAiChat.EncodeResponse(response));

        Assert.Equal(Describe.Response(response), Describe.Response(decoded));
    }

    [Theory]
    [MemberData(nameof(AnthropicResponses))]
    public void Anthropic_responses_survive_encode_then_decode(string name, ChatResponse response)
    {
        _ = name;
        var decoded = WireFormats.AnthropicMessages.DecodeResponse(WireFormats.AnthropicMessages.EncodeResponse(response));

        // A message carries no creation time: the decoder stamps its own.
        Assert.Equal(Describe.Response(response), Describe.Response(decoded with { Created = Created }));
    }
}
