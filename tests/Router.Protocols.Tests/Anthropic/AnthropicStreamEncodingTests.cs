using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Tests.Support;

namespace Router.Protocols.Tests.Anthropic;

/// <summary>Canonical events → Anthropic's exact event sequence, blocks opened and closed by index.</summary>
public sealed class AnthropicStreamEncodingTests
{
    private static readonly IWireFormat Format = WireFormats.AnthropicMessages;

    private static readonly ChatRequest Request = new() { Model = "alias", MaxTokens = 100, Messages = [ChatMessage.Text(Role.User, "Hi")], Stream = true };

    private static void AssertFrames((string Event, string Data)[] expected, List<SseFrame> frames)
    {
        Assert.Equal(expected.Select(e => e.Event), frames.Select(f => f.EventType));
        for (var i = 0; i < expected.Length; i++)
        {
            JsonAssert.Equal(expected[i].Data, frames[i].Data);
            Assert.Equal(frames[i].EventType, (string?)JsonNode.Parse(frames[i].Data)!["type"]);
        }
    }

    [Fact]
    public void Thinking_text_and_two_tool_calls_make_four_blocks()
    {
        StreamEvent[] events =
        [
            new MessageStarted("msg_1", "claude-x"),
            new ReasoningDelta("Hm"),
            new ReasoningDelta("", "sig"),
            new TextDelta("Hi"),
            new TextDelta(" there"),
            new ToolCallStarted(0, "toolu_1", "f"),
            new ToolCallArgumentsDelta(0, "{\"a\":"),
            new ToolCallArgumentsDelta(0, "1}"),
            new ToolCallStarted(1, "toolu_2", "g"),
            new ToolCallArgumentsDelta(1, "{}"),
            new MessageFinished(FinishReason.ToolCalls, new Usage(10, 5, 4)),
        ];

        var frames = Sse.Encode(Format, Request, events);

        AssertFrames(
        [
            ("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hm"}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            ("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hi"}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":" there"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":1}"""),
            ("content_block_start", """{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"1}"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":2}"""),
            ("content_block_start", """{"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_2","name":"g","input":{}}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{}"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":3}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":6,"cache_creation_input_tokens":0,"cache_read_input_tokens":4,"output_tokens":5}}"""),
            ("message_stop", """{"type":"message_stop"}"""),
        ], frames);
        Assert.StartsWith("event: message_start\ndata: {", Sse.Wire(frames));
    }

    [Fact]
    public void A_stream_without_message_started_opens_with_a_message_start_for_the_requested_model()
    {
        var frames = Sse.Encode(Format, Request, [new TextDelta("Hi"), new MessageFinished(FinishReason.Stop, null)]);

        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"], frames.Select(f => f.EventType));
        var message = JsonNode.Parse(frames[0].Data)!["message"]!;
        Assert.StartsWith("msg_", (string?)message["id"]);
        Assert.Equal("alias", (string?)message["model"]);
        JsonAssert.Equal("""{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":0}}""", frames[4].Data);
    }

    [Fact]
    public void Usage_reported_before_the_finish_goes_into_message_delta()
    {
        var frames = Sse.Encode(Format, Request,
            [new MessageStarted("msg_1", "claude-x"), new TextDelta("Once"), new UsageReported(new Usage(7, 3)), new MessageFinished(FinishReason.Length, null)]);

        JsonAssert.Equal("""{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"input_tokens":7,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":3}}""", frames[^2].Data);
    }

    [Fact]
    public void An_empty_answer_has_no_content_blocks()
    {
        var frames = Sse.Encode(Format, Request, [new MessageStarted("msg_1", "claude-x"), new MessageFinished(FinishReason.Stop, new Usage(1, 0))]);

        Assert.Equal(["message_start", "message_delta", "message_stop"], frames.Select(f => f.EventType));
    }

    [Fact]
    public void A_failure_is_an_error_event_in_anthropics_shape()
    {
        var frames = Sse.Encode(Format, Request, [new MessageStarted("msg_1", "claude-x"), new TextDelta("Par"), new StreamFailed(ErrorInfo.Unavailable("Overloaded"))]);

        var error = frames[^1];
        Assert.Equal("error", error.EventType);
        JsonAssert.Equal("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", error.Data);
        Assert.DoesNotContain(frames, f => f.EventType == "message_stop");
        Assert.Equal("event: error\ndata: " + error.Data + "\n\n", error.ToWire());
    }

    [Theory]
    [InlineData("Hel")]
    [InlineData("quote \" backslash \\ <tag> & 'x' + é 😀 \n\t\u0001 \u2028")]
    [InlineData("")]
    public void A_text_delta_is_exactly_what_the_event_tree_serializes_to(string text)
    {
        // A thinking block first, so the text block is not the first index.
        var frames = Sse.Encode(Format, Request, [new MessageStarted("msg_1", "claude-x"), new ReasoningDelta("Hm"), new TextDelta(text)]);

        var delta = frames.Last();
        Assert.Equal("content_block_delta", delta.EventType);
        var tree = new JsonObject
        {
            ["type"] = "content_block_delta", ["index"] = 1, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = text },
        };
        Assert.Equal(tree.ToJsonString(), delta.Data);
    }
}
