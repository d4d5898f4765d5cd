using Router.Protocols.Canonical;
using Router.Protocols.Tests.Support;

namespace Router.Protocols.Tests;

/// <summary>decode(encode(events)) == events, over the wire text, for what each format's stream expresses.</summary>
public sealed class StreamRoundTripTests
{
    private static readonly ChatRequest StreamRequest = new() { Model = "m", Messages = [ChatMessage.Text(Role.User, "Hi")], Stream = true, IncludeUsage = true };

    /// <summary>Event sequences both formats express (Anthropic's usage carries cache reads, so they are given).</summary>
    public static TheoryData<string, StreamEvent[]> Streams => new()
    {
        { "text", [new MessageStarted("id-1", "model-a"), new TextDelta("Hel"), new TextDelta("lo"), new MessageFinished(FinishReason.Stop, new Usage(4, 2, 0))] },
        { "unicode and escapes", [new MessageStarted("id-2", "model-a"), new TextDelta("Grüße 👋\n\"quoted\" \\ <tag>"), new MessageFinished(FinishReason.Stop, new Usage(1, 1, 0))] },
        { "cut short", [new MessageStarted("id-3", "model-a"), new TextDelta("Once upon"), new MessageFinished(FinishReason.Length, new Usage(9, 2, 4))] },
        { "text then parallel tool calls", [
            new MessageStarted("id-4", "model-b"), new TextDelta("Let me look."),
            new ToolCallStarted(0, "call_1", "weather"), new ToolCallArgumentsDelta(0, "{\"ci"), new ToolCallArgumentsDelta(0, "ty\":\"Rome\"}"),
            new ToolCallStarted(1, "call_2", "time"), new ToolCallArgumentsDelta(1, "{}"),
            new MessageFinished(FinishReason.ToolCalls, new Usage(90, 30, 64))] },
        { "tool call only", [
            new MessageStarted("id-5", "model-b"), new ToolCallStarted(0, "call_9", "lookup"), new ToolCallArgumentsDelta(0, "{\"q\":\"x\"}"),
            new MessageFinished(FinishReason.ToolCalls, new Usage(5, 5, 0))] },
        { "reasoning then text", [
            new MessageStarted("id-6", "model-c"), new ReasoningDelta("Think"), new ReasoningDelta("ing."), new TextDelta("Answer."),
            new MessageFinished(FinishReason.Stop, new Usage(3, 8, 0))] },
        { "refused", [new MessageStarted("id-7", "model-c"), new TextDelta("I can"), new MessageFinished(FinishReason.ContentFilter, new Usage(3, 2, 0))] },
    };

    private static (List<StreamEvent> Events, bool Completed) RoundTrip(IWireFormat format, IEnumerable<StreamEvent> events) =>
        Sse.Decode(format, Sse.Wire(Sse.Encode(format, StreamRequest, events)));

    [Theory]
    [MemberData(nameof(Streams))]
    public void OpenAi_streams_survive_encode_then_decode(string name, StreamEvent[] events)
    {
        _ = name;
        var (decoded, completed) = RoundTrip(WireFormats.OpenAiChat, events);

        Assert.True(completed);
        // The usage chunk also decodes to a UsageReported just before the finish.
        var usage = ((MessageFinished)events[^1]).Usage!;
        Assert.Equal(Describe.Events([.. events[..^1], new UsageReported(usage), events[^1]]), Describe.Events(decoded));
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void Anthropic_streams_survive_encode_then_decode(string name, StreamEvent[] events)
    {
        _ = name;
        var (decoded, completed) = RoundTrip(WireFormats.AnthropicMessages, events);

        Assert.True(completed);
        Assert.Equal(Describe.Events(events), Describe.Events(decoded));
    }

    [Fact]
    public void Anthropic_keeps_thinking_signatures()
    {
        StreamEvent[] events =
        [
            new MessageStarted("msg_1", "claude-x"), new ReasoningDelta("Plan."), new ReasoningDelta("", "sig=="), new TextDelta("Done."),
            new MessageFinished(FinishReason.Stop, new Usage(5, 5, 0)),
        ];

        var (decoded, _) = RoundTrip(WireFormats.AnthropicMessages, events);

        Assert.Equal(Describe.Events(events), Describe.Events(decoded));
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public void A_failed_stream_ends_with_the_failure_and_its_message(string name)
    {
        var format = name == "openai" ? WireFormats.OpenAiChat : WireFormats.AnthropicMessages;
        StreamEvent[] events = [new MessageStarted("id", "m"), new TextDelta("Part"), new StreamFailed(ErrorInfo.RateLimited("Slow down."))];

        var (decoded, completed) = RoundTrip(format, events);

        Assert.False(completed); // a failure is not an end marker: the pipeline ends a stream at its first StreamFailed
        Assert.Equal([new MessageStarted("id", "m"), new TextDelta("Part")], decoded.Take(2));
        var failed = Assert.IsType<StreamFailed>(decoded[^1]);
        Assert.Equal("Slow down.", failed.Error.Message);
        Assert.DoesNotContain(decoded, e => e is MessageFinished);
    }

    [Fact]
    public void An_openai_upstream_stream_becomes_an_anthropic_client_stream_with_its_usage()
    {
        // Usage comes after the finish on OpenAI's wire; the Anthropic client still sees it on message_delta.
        var upstream = Sse.Lf("""
            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":2,"total_tokens":22,"prompt_tokens_details":{"cached_tokens":16}}}

            data: [DONE]


            """);

        var (events, _) = Sse.Decode(WireFormats.OpenAiChat, upstream);
        var frames = Sse.Encode(WireFormats.AnthropicMessages, StreamRequest, events);

        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"], frames.Select(f => f.EventType));
        JsonAssert.Equal("""{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":4,"cache_creation_input_tokens":0,"cache_read_input_tokens":16,"output_tokens":2}}""", frames[4].Data);
    }
}
