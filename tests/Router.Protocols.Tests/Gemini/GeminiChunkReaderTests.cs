using System.Net.ServerSentEvents;
using Router.Protocols.Canonical;
using Router.Protocols.Gemini;

namespace Router.Protocols.Tests.Gemini;

/// <summary>
/// Streamed GenerateContentResponses that carry only text are read without a tree; every other chunk goes to the
/// tree reader. The canonical events are the same either way.
/// </summary>
public sealed class GeminiChunkReaderTests
{
    private const string Usage = """ "usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":3,"totalTokenCount":14,"thoughtsTokenCount":4,"promptTokensDetails":[{"modality":"TEXT","tokenCount":7}]}""";

    private static string Candidate(string candidate) => """{"candidates":[""" + candidate + """],""" + Usage + ""","modelVersion":"gemini-2.5-flash","responseId":"resp-1"}""";

    [Fact]
    public void A_text_chunk_as_gemini_sends_it_is_read_without_a_tree()
    {
        var data = Candidate("""{"content":{"parts":[{"text":"Hel\"lo é"}],"role":"model"},"index":0}""");

        Assert.True(GeminiChunkReader.TryRead(data, out var chunk));
        Assert.Equal(new GeminiChunkReader.Chunk("resp-1", "gemini-2.5-flash", new Usage(7, 7, null, 4), "Hel\"lo é", null), chunk);
    }

    [Theory]
    [InlineData("""{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"STOP","index":0,"safetyRatings":[{"category":"X","probability":"NEGLIGIBLE"}]}""", "", "STOP")]
    [InlineData("""{"content":{"parts":[],"role":"model"},"finishReason":"MAX_TOKENS"}""", null, "MAX_TOKENS")]
    [InlineData("""{"content":{"role":"model"}}""", null, null)]
    [InlineData("""{"content":null,"finishReason":null}""", null, null)]
    [InlineData("""{"content":{"parts":[{"text":null}]}}""", null, null)]
    [InlineData("""{"content":{"parts":[{"text":"a"}]}},{"content":{"parts":[{"thought":true,"text":"b"}]}}""", "a", null)]
    public void Plain_chunks_give_their_text_and_finish(string candidate, string? text, string? finish)
    {
        Assert.True(GeminiChunkReader.TryRead(Candidate(candidate), out var chunk));
        Assert.Equal((text, finish), (chunk.Text, chunk.FinishReason));
    }

    [Fact]
    public void A_chunk_without_candidates_or_usage_is_plain_too()
    {
        Assert.True(GeminiChunkReader.TryRead("""{"candidates":[],"modelVersion":null}""", out var chunk));
        Assert.Equal(default(GeminiChunkReader.Chunk), chunk);
        Assert.True(GeminiChunkReader.TryRead("""{"candidates":null,"responseId":"r"}""", out chunk));
        Assert.Equal(new GeminiChunkReader.Chunk("r", null, null, null, null), chunk);
    }

    [Theory]
    [InlineData("""{"content":{"parts":[{"text":"a","thought":true}]}}""")]
    [InlineData("""{"content":{"parts":[{"text":"a","thoughtSignature":"c2ln"}]}}""")]
    [InlineData("""{"content":{"parts":[{"functionCall":{"name":"f","args":{}}}]}}""")]
    [InlineData("""{"content":{"parts":[{"text":"a"},{"text":"b"}]}}""")]
    [InlineData("""{"content":{"parts":[{"text":"a","text":"b"}]}}""")]
    [InlineData("""{"content":{"parts":[{"text":5}]}}""")]
    [InlineData("""{"content":{"parts":[{"text":"a"}],"parts":[]}}""")]
    [InlineData("""{"content":{"parts":[{"text":"a"}],"role":"model","role":"model"}}""")]
    [InlineData("""{"content":{"parts":[{"text":"a"}]},"index":0,"index":0}""")]
    [InlineData("""{"content":{"parts":[{"text":"a"}]},"finishReason":"STOP","finishReason":"STOP"}""")]
    [InlineData("""{"content":{"parts":[{"text":"a"}]},"finishReason":1}""")]
    [InlineData("""{"content":"text"}""")]
    [InlineData("""{"content":{"parts":[{"text":"a"}]},"\u0069ndex":0}""")]
    [InlineData("""null""")]
    public void Anything_but_a_plain_candidate_is_left_to_the_tree_reader(string candidate) =>
        Assert.False(GeminiChunkReader.TryRead(Candidate(candidate), out _));

    [Theory]
    [InlineData("""{"candidates":[],"usageMetadata":{"promptTokenCount":1.5}}""")]
    [InlineData("""{"candidates":[],"usageMetadata":{"promptTokenCount":"1"}}""")]
    [InlineData("""{"candidates":[],"usageMetadata":{"promptTokenCount":99999999999}}""")]
    [InlineData("""{"candidates":[],"usageMetadata":{"promptTokenCount":1,"promptTokenCount":1}}""")]
    [InlineData("""{"candidates":[],"usageMetadata":{"promptTokenCount":null,"promptTokenCount":null}}""")]
    [InlineData("""{"candidates":[],"usageMetadata":{"totalTokenCount":1,"totalTokenCount":1}}""")]
    [InlineData("""{"candidates":[],"error":{"code":429,"message":"slow down","status":"RESOURCE_EXHAUSTED"}}""")]
    [InlineData("""{"error":{"code":500}}""")]
    [InlineData("""{"candidates":[],"candidates":[]}""")]
    [InlineData("""{"candidates":[],"responseId":7}""")]
    [InlineData("""{"candidates":[]} x""")]
    [InlineData("""{"candidates":[]""")]
    [InlineData("""[]""")]
    public void Anything_but_a_plain_chunk_is_left_to_the_tree_reader(string data) =>
        Assert.False(GeminiChunkReader.TryRead(data, out _));

    [Fact]
    public void A_stream_decodes_to_the_same_events_whichever_reader_takes_each_chunk()
    {
        string[] chunks =
        [
            Candidate("""{"content":{"parts":[{"text":"Hm","thought":true}],"role":"model"},"index":0}"""), // tree
            Candidate("""{"content":{"parts":[{"text":"Hi"}],"role":"model"},"index":0}"""),                // plain
            Candidate("""{"content":{"parts":[{"text":" there"},{"text":"!"}],"role":"model"}}"""),         // tree
            Candidate("""{"content":{"parts":[{"text":"a","text":"b"}]}}"""),                               // tree (throws: a key twice)
            """{"candidates":[{"content":{"parts":[{"text":"."}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":5}}""", // plain
        ];
        var decoder = WireFormats.Gemini.CreateStreamDecoder();
        var events = new List<string>();
        foreach (var data in chunks)
        {
            try { events.AddRange(decoder.Decode(new SseItem<string>(data)).Select(e => e.ToString())); }
            catch (ArgumentException) { events.Add("ArgumentException"); }
        }

        string[] expected =
        [
            new MessageStarted("resp-1", "gemini-2.5-flash").ToString(),
            new ReasoningDelta("Hm", null).ToString(),
            new TextDelta("Hi").ToString(),
            new TextDelta(" there").ToString(),
            new TextDelta("!").ToString(),
            "ArgumentException",
            new TextDelta(".").ToString(),
            new MessageFinished(FinishReason.Stop, new Usage(7, 5)).ToString(),
        ];
        Assert.Equal(expected, events);
        Assert.True(decoder.Completed);
    }

    [Fact]
    public void A_function_call_before_the_finish_makes_it_a_tool_call_finish_on_the_plain_path_too()
    {
        var decoder = WireFormats.Gemini.CreateStreamDecoder();
        decoder.Decode(new SseItem<string>("""{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"a":1}}}]}}]}""")).ToList();
        var last = decoder.Decode(new SseItem<string>("""{"candidates":[{"content":{"parts":[]},"finishReason":"STOP"}]}""")).ToList();

        Assert.Equal(new MessageFinished(FinishReason.ToolCalls, null).ToString(), Assert.Single(last).ToString());
    }
}
