using Router.Protocols.Canonical;
using Router.Protocols.Tests.Support;

namespace Router.Protocols.Tests.OpenAi;

/// <summary>Whole `chat.completion` answers both ways.</summary>
public sealed class OpenAiResponseTests
{
    private static readonly IWireFormat Format = WireFormats.OpenAiChat;

    [Fact]
    public void A_vendor_answer_with_parallel_tool_calls_decodes_with_usage_details()
    {
        var body = JsonAssert.Obj("""
        {
          "id": "chatcmpl-BJ2xYz", "object": "chat.completion", "created": 1743000000, "model": "gpt-4.1-2025-04-14",
          "choices": [{
            "index": 0,
            "message": {
              "role": "assistant", "content": null, "refusal": null, "annotations": [],
              "tool_calls": [
                {"id": "call_A", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}},
                {"id": "call_B", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}
              ]
            },
            "logprobs": null, "finish_reason": "tool_calls"
          }],
          "usage": {
            "prompt_tokens": 82, "completion_tokens": 48, "total_tokens": 130,
            "prompt_tokens_details": {"cached_tokens": 64, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 12, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
          },
          "service_tier": "default", "system_fingerprint": "fp_b3f1157249"
        }
        """);

        var response = Format.DecodeResponse(body);

        var expected = new ChatResponse("chatcmpl-BJ2xYz", "gpt-4.1-2025-04-14",
            [new ToolCallPart("call_A", "get_weather", """{"city":"Rome"}"""), new ToolCallPart("call_B", "get_weather", """{"city":"Oslo"}""")],
            FinishReason.ToolCalls, new Usage(82, 48, 64, 12), DateTimeOffset.FromUnixTimeSeconds(1743000000));
        Assert.Equal(Describe.Response(expected), Describe.Response(response));
    }

    [Theory]
    [InlineData("stop", FinishReason.Stop)]
    [InlineData("length", FinishReason.Length)]
    [InlineData("tool_calls", FinishReason.ToolCalls)]
    [InlineData("function_call", FinishReason.ToolCalls)]
    [InlineData("content_filter", FinishReason.ContentFilter)]
    public void Finish_reasons_decode(string wire, FinishReason expected)
    {
        var body = JsonAssert.Obj($$$"""{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"{{{wire}}}"}]}""");

        Assert.Equal(expected, Format.DecodeResponse(body).FinishReason);
    }

    [Fact]
    public void An_answer_without_choices_is_not_this_format()
    {
        Assert.Throws<ProtocolException>(() => Format.DecodeResponse(JsonAssert.Obj("""{"id":"x","object":"chat.completion","choices":[]}""")));
    }

    [Fact]
    public void Encoding_gives_the_exact_chat_completion_shape()
    {
        var response = new ChatResponse("chatcmpl-1", "gpt-4.1",
            [new ReasoningPart("Thought."), new TextPart("Hello "), new TextPart("there."), new ToolCallPart("call_1", "f", """{"a":1}""")],
            FinishReason.ToolCalls, new Usage(10, 5, CachedInputTokens: 4, ReasoningTokens: 2), DateTimeOffset.FromUnixTimeSeconds(1700000000));

        JsonAssert.Equal("""
        {
          "id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "gpt-4.1",
          "choices": [{
            "index": 0,
            "message": {
              "role": "assistant", "content": "Hello there.", "reasoning_content": "Thought.",
              "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{\"a\":1}"}}]
            },
            "logprobs": null,
            "finish_reason": "tool_calls"
          }],
          "usage": {
            "prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15,
            "prompt_tokens_details": {"cached_tokens": 4},
            "completion_tokens_details": {"reasoning_tokens": 2}
          }
        }
        """, Format.EncodeResponse(response));
    }

    [Fact]
    public void Only_tool_calls_encode_content_null_and_no_usage_omits_usage()
    {
        var response = new ChatResponse("c", "m", [new ToolCallPart("call_1", "f", "{}")], FinishReason.ToolCalls, null, DateTimeOffset.FromUnixTimeSeconds(1));

        var body = Format.EncodeResponse(response);

        var message = body["choices"]![0]!["message"]!.AsObject();
        Assert.True(message.ContainsKey("content"));
        Assert.Null(message["content"]);
        Assert.False(message.ContainsKey("reasoning_content"));
        Assert.False(body.ContainsKey("usage"));
    }
}
