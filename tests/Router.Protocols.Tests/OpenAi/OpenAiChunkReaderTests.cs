using System.Net.ServerSentEvents;
using Router.Protocols.Canonical;
using Router.Protocols.OpenAi;

namespace Router.Protocols.Tests.OpenAi;

/// <summary>
/// `chat.completion.chunk`s that carry only text are read without a tree; every other chunk goes to the tree reader.
/// The canonical events are the same either way.
/// </summary>
public sealed class OpenAiChunkReaderTests
{
    private const string Head = """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","system_fingerprint":"fp_1","service_tier":"default","choices":""";

    [Fact]
    public void A_text_chunk_as_openai_sends_it_is_read_without_a_tree()
    {
        var data = Head + """[{"index":0,"delta":{"content":"Hel\"lo é"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"x1"}""";

        Assert.True(OpenAiChunkReader.TryRead(data, out var chunk));
        Assert.Equal(new OpenAiChunkReader.Chunk("chatcmpl-1", "gpt-4.1", "Hel\"lo é", null, null), chunk);
    }

    [Theory]
    [InlineData("""[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"finish_reason":null}]}""", null, "", null)]
    [InlineData("""[{"index":0,"delta":{"reasoning_content":"Hm"},"finish_reason":null}]}""", "Hm", null, null)]
    [InlineData("""[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}""", null, null, "stop")]
    [InlineData("""[{"index":0,"delta":{"content":"a","tool_calls":[]},"finish_reason":null},{"index":1,"delta":{"content":"b"}}]}""", null, "a", null)]
    [InlineData("""[]}""", null, null, null)]
    public void Plain_chunks_give_their_text_and_finish(string rest, string? reasoning, string? content, string? finish)
    {
        Assert.True(OpenAiChunkReader.TryRead(Head + rest, out var chunk));
        Assert.Equal((reasoning, content, finish), (chunk.Reasoning, chunk.Content, chunk.FinishReason));
    }

    [Theory]
    [InlineData("""[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}}]}""")]
    [InlineData("""[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}""")]
    [InlineData("""[{"index":0,"delta":{"content":5}}]}""")]
    [InlineData("""[{"index":0,"delta":{"content":"a","content":"b"}}]}""")]
    [InlineData("""[{"index":0,"delta":{"role":"assistant","role":"assistant"}}]}""")]
    [InlineData("""[{"index":0,"index":0,"delta":{}}]}""")]
    [InlineData("""[{"index":0,"delta":{"content":"a"}}],"object":"again"}""")]
    [InlineData("""[{"index":0,"delta":{"\u0072ole":"assistant","content":"a"}}]}""")]
    [InlineData("""{"index":0}}""")]
    [InlineData("""[null]}""")]
    [InlineData("""[{"index":0,"delta":"text"}]}""")]
    [InlineData("""[{"index":0,"delta":{}}],"error":{"message":"boom"}}""")]
    [InlineData("""[{"index":0,"delta":{}}]} x""")]
    [InlineData("""[{"index":0,"delta":{}}]""")]
    public void Anything_but_a_plain_chunk_is_left_to_the_tree_reader(string rest) =>
        Assert.False(OpenAiChunkReader.TryRead(Head + rest, out _));

    [Fact]
    public void A_chunk_with_more_fields_than_it_keeps_track_of_is_left_to_the_tree_reader()
    {
        var many = string.Concat(Enumerable.Range(0, 13).Select(i => $"\"f{i}\":{i},"));
        Assert.False(OpenAiChunkReader.TryRead("{" + many + "\"choices\":[]}", out _));
        Assert.True(OpenAiChunkReader.TryRead("{" + many[..many.LastIndexOf("\"f12\"", StringComparison.Ordinal)] + "\"choices\":[]}", out _));
    }

    [Fact]
    public void A_stream_decodes_to_the_same_events_whichever_reader_takes_each_chunk()
    {
        string[] chunks =
        [
            Head + """[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}""",                                 // plain
            Head + """[{"index":0,"delta":{"reasoning_content":"Hm"},"finish_reason":null}]}""",                                                       // plain
            Head + """[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}""",                                                                 // plain
            Head + """[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]}}]}""", // tree
            Head + """[{"index":0,"delta":{"content":" there","content":"!"}}]}""",                                                                    // tree (throws: a key twice)
            Head + """[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",                                                                       // plain
            Head + """[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}""",                                                        // tree
            "[DONE]",
        ];
        var decoder = WireFormats.OpenAiChat.CreateStreamDecoder();
        var events = new List<string>();
        foreach (var data in chunks)
        {
            try { events.AddRange(decoder.Decode(new SseItem<string>(data)).Select(e => e.ToString())); }
            catch (ArgumentException) { events.Add("ArgumentException"); }
        }

        string[] expected =
        [
            new MessageStarted("chatcmpl-1", "gpt-4.1").ToString(),
            new ReasoningDelta("Hm").ToString(),
            new TextDelta("Hi").ToString(),
            new ToolCallStarted(0, "call_1", "f").ToString(),
            new ToolCallArgumentsDelta(0, "{}").ToString(),
            "ArgumentException",
            new UsageReported(new Usage(3, 4)).ToString(),
            new MessageFinished(FinishReason.ToolCalls, new Usage(3, 4)).ToString(),
        ];
        Assert.Equal(expected, events);
        Assert.True(decoder.Completed);
    }
}
