using Router.Protocols.Canonical;
using Router.Protocols.Tests.Support;

namespace Router.Protocols.Tests.OpenAi;

/// <summary>Vendor `chat.completion.chunk` transcripts, as OpenAI and compatible servers send them → canonical events.</summary>
public sealed class OpenAiStreamDecodingTests
{
    private static readonly IWireFormat Format = WireFormats.OpenAiChat;

    [Fact]
    public void Parallel_tool_calls_with_a_trailing_usage_chunk()
    {
        const string head = """"{"id":"chatcmpl-B9x","object":"chat.completion.chunk","created":1741000000,"model":"gpt-4.1-2025-04-14","service_tier":"default","system_fingerprint":"fp_1","choices":"""";
        var wire = Sse.Lf($$$$"""
            data: {{{{head}}}}[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_A","type":"function","function":{"name":"get_weather","arguments":""}}],"refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {{{{head}}}}[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {{{{head}}}}[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ty\": \"Rome\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {{{{head}}}}[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_B","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {{{{head}}}}[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"city\": \"Oslo\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {{{{head}}}}[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null}

            data: {{{{head}}}}[],"usage":{"prompt_tokens":80,"completion_tokens":40,"total_tokens":120,"prompt_tokens_details":{"cached_tokens":64,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}

            data: [DONE]


            """);

        var (events, completed) = Sse.Decode(Format, wire);

        var usage = new Usage(80, 40, 64, 0);
        StreamEvent[] expected =
        [
            new MessageStarted("chatcmpl-B9x", "gpt-4.1-2025-04-14"),
            new ToolCallStarted(0, "call_A", "get_weather"),
            new ToolCallArgumentsDelta(0, "{\"ci"),
            new ToolCallArgumentsDelta(0, "ty\": \"Rome\"}"),
            new ToolCallStarted(1, "call_B", "get_weather"),
            new ToolCallArgumentsDelta(1, "{\"city\": \"Oslo\"}"),
            new UsageReported(usage),
            new MessageFinished(FinishReason.ToolCalls, usage),
        ];
        Assert.Equal(Describe.Events(expected), Describe.Events(events));
        Assert.True(completed);
    }

    [Fact]
    public void Reasoning_and_text_with_finish_and_usage_in_one_chunk()
    {
        // DeepSeek-style reasoning_content, and a server that puts usage on the finish chunk.
        var wire = Sse.Lf("""
            data: {"id":"x1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":"Let me think"},"finish_reason":null}]}

            data: {"id":"x1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"."},"finish_reason":null}]}

            data: {"id":"x1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

            data: {"id":"x1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":""},"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}

            data: [DONE]


            """);

        var (events, completed) = Sse.Decode(Format, wire);

        StreamEvent[] expected =
        [
            new MessageStarted("x1", "deepseek-reasoner"),
            new ReasoningDelta("Let me think"),
            new ReasoningDelta("."),
            new TextDelta("Hi"),
            new UsageReported(new Usage(5, 7)),
            new MessageFinished(FinishReason.Length, new Usage(5, 7)),
        ];
        Assert.Equal(Describe.Events(expected), Describe.Events(events));
        Assert.True(completed);
    }

    [Fact]
    public void Without_stream_options_the_finish_has_no_usage()
    {
        var wire = Sse.Lf("""
            data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}

            data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}

            data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}

            data: [DONE]


            """);

        var (events, completed) = Sse.Decode(Format, wire);

        StreamEvent[] expected = [new MessageStarted("c", "gpt-4o-mini"), new TextDelta("Hello"), new MessageFinished(FinishReason.Stop, null)];
        Assert.Equal(Describe.Events(expected), Describe.Events(events));
        Assert.True(completed);
    }

    [Fact]
    public void An_error_chunk_fails_the_stream_and_ends_it()
    {
        var wire = Sse.Lf("""
            data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"role":"assistant","content":"Par"},"finish_reason":null}]}

            data: {"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}


            """);

        var (events, completed) = Sse.Decode(Format, wire);

        Assert.Equal(3, events.Count);
        Assert.Equal(new TextDelta("Par"), events[1]);
        var failed = Assert.IsType<StreamFailed>(events[2]);
        Assert.Equal("The server had an error while processing your request. Sorry about that!", failed.Error.Message);
        Assert.Equal(ErrorKind.Upstream, failed.Error.Kind);
        Assert.False(completed, "an error chunk is not an end marker: the pipeline ends a stream at its first StreamFailed");
        Assert.DoesNotContain(events, e => e is MessageFinished);
    }

    [Fact]
    public void A_stream_cut_before_done_is_not_complete_and_has_no_finish()
    {
        var wire = Sse.Lf("""
            data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

            data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}


            """);

        var (events, completed) = Sse.Decode(Format, wire);

        Assert.False(completed);
        Assert.DoesNotContain(events, e => e is MessageFinished);
    }

    [Fact]
    public void Comments_and_unparseable_items_are_skipped()
    {
        var wire = Sse.Lf("""
            : OPENROUTER PROCESSING

            data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"A"},"finish_reason":"stop"}]}

            data: not json

            data: [DONE]


            """);

        var (events, completed) = Sse.Decode(Format, wire);

        StreamEvent[] expected = [new MessageStarted("c", "m"), new TextDelta("A"), new MessageFinished(FinishReason.Stop, null)];
        Assert.Equal(Describe.Events(expected), Describe.Events(events));
        Assert.True(completed);
    }
}
