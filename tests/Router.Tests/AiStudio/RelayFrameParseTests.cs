using System.Text;
using Router.Actors.Relay;
using Router.Protocols.Relay;

namespace Router.Tests.AiStudio;

/// <summary>
/// Frames from a worker as the router reads them: stream chunks in one pass without a tree (any field
/// order, extra fields, escapes), everything else through the tree, hostile text never an exception.
/// </summary>
public sealed class RelayFrameParseTests
{
    private static RelayFrame? Parse(string json) => RelayFrame.Parse(Encoding.UTF8.GetBytes(json));

    private static string Data(RelayFrame frame) => Encoding.UTF8.GetString(frame.ChunkData.Span);

    [Theory]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"data: {\"a\":1}\n\n"}}""")]
    [InlineData("""{"payload":{"sent_at":"x","data":"data: {\"a\":1}\n\n","extra":{"n":[1,2]}},"type":"stream_chunk","id":"r1","v":2}""")]
    [InlineData("""{"id":"r1","type":"stream_\u0063hunk","payload":{"\u0064ata":"data: {\u0022a\u0022:1}\u000a\n"}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"data: {\"a\":1}\n\n"}}  """)]
    public void A_stream_chunk_is_read_whatever_the_field_order_extras_or_escapes(string json)
    {
        var frame = Parse(json)!;
        Assert.Equal("r1", frame.Id);
        Assert.Equal(RelayTypes.StreamChunk, frame.Type);
        Assert.Equal("data: {\"a\":1}\n\n", Data(frame));
    }

    [Fact]
    public void Non_ascii_text_in_a_chunk_arrives_as_its_utf8_bytes()
    {
        var frame = Parse("""{"id":"r1","type":"stream_chunk","payload":{"data":"caf\u00e9 ☕ 𝄞"}}""")!;
        Assert.Equal("café ☕ 𝄞", Data(frame));
        Assert.Equal(Encoding.UTF8.GetBytes("café ☕ 𝄞"), frame.ChunkData.ToArray());
    }

    [Fact]
    public void A_chunk_with_a_numeric_id_or_no_data_is_still_a_chunk()
    {
        var numeric = Parse("""{"id":42,"type":"stream_chunk","payload":{"data":"x"}}""")!;
        Assert.Equal(("42", "x"), (numeric.Id, Data(numeric)));
        var empty = Parse("""{"id":"r2","type":"stream_chunk","payload":{}}""")!;
        Assert.Equal(("r2", ""), (empty.Id, Data(empty)));
    }

    [Fact]
    public void Other_frames_keep_their_payload()
    {
        var start = Parse("""{"id":"r3","type":"stream_start","payload":{"status":201,"headers":{"Content-Type":["text/event-stream"]}}}""")!;
        Assert.Equal((RelayTypes.StreamStart, 201), (start.Type, start.Status));
        Assert.Equal("text/event-stream", Assert.Single(start.Headers()).Values[0]);
        var whole = Parse("""{"type":"http_response","id":"r4","payload":{"status":200,"body":"{\"ok\":true}"}}""")!;
        Assert.Equal("{\"ok\":true}", Encoding.UTF8.GetString(whole.Bytes("body").Span));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"x"}} trailing""")]
    [InlineData("""[{"id":"r1","type":"stream_chunk"}]""")]
    [InlineData("""{"id":"r1","payload":{"data":"x"}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"x"}""")]
    [InlineData("")]
    public void Text_that_is_not_a_relay_message_is_no_frame(string json) => Assert.Null(Parse(json));

    [Theory]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"\ud800"}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":17}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":"data"}""")]
    [InlineData("""{"id":{"x":1},"type":"stream_chunk","payload":{"data":"x"}}""")]
    public void A_hostile_chunk_never_throws(string json)
    {
        var frame = Parse(json);
        if (frame is not null) _ = frame.ChunkData;
    }
}
