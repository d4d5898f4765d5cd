using Router.Protocols.Canonical;
using Router.Protocols.Tests.Support;

namespace Router.Protocols.Tests.Anthropic;

/// <summary>Whole `message` answers both ways; cache reads count as input as OpenAI counts them.</summary>
public sealed class AnthropicResponseTests
{
    private static readonly IWireFormat Format = WireFormats.AnthropicMessages;

    [Fact]
    public void A_vendor_answer_with_thinking_text_and_tool_use_decodes()
    {
        var body = JsonAssert.Obj("""
        {
          "id": "msg_01Aq9w938a90dw8q", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
          "content": [
            {"type": "thinking", "thinking": "The user wants weather.", "signature": "EqQBCgIYAhIM"},
            {"type": "text", "text": "I'll check."},
            {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather", "input": {"location": "San Francisco, CA", "unit": "celsius"}}
          ],
          "stop_reason": "tool_use", "stop_sequence": null,
          "usage": {"input_tokens": 20, "cache_creation_input_tokens": 100, "cache_read_input_tokens": 2000, "output_tokens": 95, "service_tier": "standard"}
        }
        """);

        var response = Format.DecodeResponse(body);

        Assert.Equal("msg_01Aq9w938a90dw8q", response.Id);
        Assert.Equal("claude-sonnet-4-5-20250929", response.Model);
        Assert.Equal(new ContentPart[]
        {
            new ReasoningPart("The user wants weather.", "EqQBCgIYAhIM"),
            new TextPart("I'll check."),
            new ToolCallPart("toolu_01A09q90qw90lq917835lq9", "get_weather", """{"location":"San Francisco, CA","unit":"celsius"}"""),
        }, response.Content);
        Assert.Equal(FinishReason.ToolCalls, response.FinishReason);
        // input = uncached + cache writes + cache reads; cached = cache reads.
        Assert.Equal(new Usage(2120, 95, CachedInputTokens: 2000), response.Usage);
    }

    [Theory]
    [InlineData("end_turn", FinishReason.Stop)]
    [InlineData("stop_sequence", FinishReason.Stop)]
    [InlineData("max_tokens", FinishReason.Length)]
    [InlineData("tool_use", FinishReason.ToolCalls)]
    [InlineData("refusal", FinishReason.ContentFilter)]
    public void Stop_reasons_decode(string wire, FinishReason expected)
    {
        var body = JsonAssert.Obj($$$"""{"id":"m","type":"message","role":"assistant","model":"c","content":[{"type":"text","text":"x"}],"stop_reason":"{{{wire}}}","usage":{"input_tokens":1,"output_tokens":1}}""");

        Assert.Equal(expected, Format.DecodeResponse(body).FinishReason);
    }

    [Fact]
    public void A_body_that_is_not_a_message_is_not_this_format()
    {
        Assert.Throws<ProtocolException>(() => Format.DecodeResponse(JsonAssert.Obj("""{"id":"c","object":"chat.completion","choices":[]}""")));
    }

    [Fact]
    public void Encoding_gives_the_exact_message_shape_with_cached_tokens_split_out()
    {
        var response = new ChatResponse("msg_1", "claude-x",
            [new ReasoningPart("Hm.", "sig"), new TextPart("Calling."), new ToolCallPart("toolu_1", "f", """{"a": [1, 2]}"""), new ToolCallPart("toolu_2", "g", "")],
            FinishReason.ToolCalls, new Usage(100, 7, CachedInputTokens: 60), DateTimeOffset.UnixEpoch);

        JsonAssert.Equal("""
        {
          "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x",
          "content": [
            {"type": "thinking", "thinking": "Hm.", "signature": "sig"},
            {"type": "text", "text": "Calling."},
            {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"a": [1, 2]}},
            {"type": "tool_use", "id": "toolu_2", "name": "g", "input": {}}
          ],
          "stop_reason": "tool_use", "stop_sequence": null,
          "usage": {"input_tokens": 40, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 60, "output_tokens": 7}
        }
        """, Format.EncodeResponse(response));
    }

    [Theory]
    [InlineData(FinishReason.Stop, "end_turn")]
    [InlineData(FinishReason.Length, "max_tokens")]
    [InlineData(FinishReason.ToolCalls, "tool_use")]
    [InlineData(FinishReason.ContentFilter, "refusal")]
    public void Finish_reasons_encode(FinishReason reason, string expected)
    {
        var body = Format.EncodeResponse(new ChatResponse("m", "c", [new TextPart("x")], reason, new Usage(1, 1), DateTimeOffset.UnixEpoch));

        Assert.Equal(expected, (string?)body["stop_reason"]);
    }
}
