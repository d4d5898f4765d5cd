using Router.Protocols.Canonical;
using Router.Protocols.Tests.Support;

namespace Router.Protocols.Tests.Anthropic;

/// <summary>Anthropic's exact event sequences (message_start … message_stop) → canonical events.</summary>
public sealed class AnthropicStreamDecodingTests
{
    private static readonly IWireFormat Format = WireFormats.AnthropicMessages;

    [Fact]
    public void Thinking_text_and_tool_use_with_pings()
    {
        var wire = Sse.Lf("""
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2,"cache_creation_input_tokens":0,"cache_read_input_tokens":100},"content":[],"stop_reason":null}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me check."}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3h"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Okay, let's check the weather for San Francisco, CA:"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":1}

            event: content_block_start
            data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"location\":"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":" \"San Francisco, CA\"}"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":2}

            event: content_block_start
            data: {"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_02","name":"get_time","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{}"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":3}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

            event: message_stop
            data: {"type":"message_stop"}


            """);

        var (events, completed) = Sse.Decode(Format, wire);

        StreamEvent[] expected =
        [
            new MessageStarted("msg_014p7gG3wDgGV9EUtLvnow3U", "claude-sonnet-4-5-20250929"),
            new ReasoningDelta("Let me check."),
            new ReasoningDelta("", "EqQBCgIYAhIM1gbcDa9GJwZA2b3h"),
            new TextDelta("Okay, let's check the weather for San Francisco, CA:"),
            new ToolCallStarted(0, "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather"),
            new ToolCallArgumentsDelta(0, ""),
            new ToolCallArgumentsDelta(0, "{\"location\":"),
            new ToolCallArgumentsDelta(0, " \"San Francisco, CA\"}"),
            new ToolCallStarted(1, "toolu_02", "get_time"),
            new ToolCallArgumentsDelta(1, "{}"),
            // input = 472 uncached + 100 cache reads; output from message_delta.
            new MessageFinished(FinishReason.ToolCalls, new Usage(572, 89, 100)),
        ];
        Assert.Equal(Describe.Events(expected), Describe.Events(events));
        Assert.True(completed);
    }

    [Fact]
    public void Cumulative_usage_on_message_delta_overrides_message_start()
    {
        // Current API versions (and Anthropic-compatible gateways) repeat the input counts on message_delta.
        var wire = Sse.Lf("""
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Once upon"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"input_tokens":15,"cache_creation_input_tokens":5,"cache_read_input_tokens":10,"output_tokens":9,"server_tool_use":null}}

            event: message_stop
            data: {"type":"message_stop"}


            """);

        var (events, completed) = Sse.Decode(Format, wire);

        StreamEvent[] expected = [new MessageStarted("msg_1", "claude-haiku-4-5"), new TextDelta("Once upon"), new MessageFinished(FinishReason.Length, new Usage(30, 9, 10))];
        Assert.Equal(Describe.Events(expected), Describe.Events(events));
        Assert.True(completed);
    }

    [Fact]
    public void The_event_name_is_enough_when_the_data_has_no_type()
    {
        var wire = Sse.Lf("""
            event: message_start
            data: {"message":{"id":"msg_1","model":"claude-x","usage":{"input_tokens":3,"output_tokens":0}}}

            event: content_block_delta
            data: {"index":0,"delta":{"type":"text_delta","text":"Hi"}}

            event: message_delta
            data: {"delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":1}}

            event: message_stop
            data: {}


            """);

        var (events, completed) = Sse.Decode(Format, wire);

        StreamEvent[] expected = [new MessageStarted("msg_1", "claude-x"), new TextDelta("Hi"), new MessageFinished(FinishReason.Stop, new Usage(3, 1))];
        Assert.Equal(Describe.Events(expected), Describe.Events(events));
        Assert.True(completed);
    }

    [Fact]
    public void An_error_event_fails_the_stream_and_ends_it()
    {
        var wire = Sse.Lf("""
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

            event: error
            data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}


            """);

        var (events, completed) = Sse.Decode(Format, wire);

        StreamEvent[] expected =
        [
            new MessageStarted("msg_1", "claude-x"),
            new TextDelta("Hello"),
            new StreamFailed(new ErrorInfo(529, ErrorKind.Unavailable, "Overloaded", "overloaded_error")),
        ];
        Assert.Equal(Describe.Events(expected), Describe.Events(events));
        Assert.False(completed, "an error event is not an end marker: the pipeline ends a stream at its first StreamFailed");
    }

    [Fact]
    public void A_stream_cut_before_message_stop_is_not_complete_and_has_no_finish()
    {
        var wire = Sse.Lf("""
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}


            """);

        var (events, completed) = Sse.Decode(Format, wire);

        Assert.False(completed);
        Assert.DoesNotContain(events, e => e is MessageFinished);
    }
}
