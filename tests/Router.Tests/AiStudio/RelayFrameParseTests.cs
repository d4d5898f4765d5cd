using System.Text;
using Router.Actors.Relay;
using Router.Protocols.Relay;

namespace Router.Tests.AiStudio;

/// <summary>
/// Frames from a worker as the router reads them: stream chunks in place, in one pass without a tree or a string
/// (any field order, extra fields, escapes; <see cref="RelayChunk"/>), everything else through the tree
/// (<see cref="RelayFrame.Parse"/>), hostile text never an exception.
/// </summary>
public sealed class RelayFrameParseTests
{
    private static RelayFrame? Parse(string json) => RelayFrame.Parse(Encoding.UTF8.GetBytes(json));

    /// <summary>The chunk as the socket reads it in place: its id and its data's UTF-8 bytes; null when left to the tree.</summary>
    private static (string Id, byte[] Data)? ReadInPlace(string json)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        Span<char> id = stackalloc char[RelayChunk.MaxIdChars];
        if (!RelayChunk.TryRead(utf8, id, out var idLength, out var data)) return null;
        var bytes = new byte[utf8.Length];
        var written = RelayChunk.CopyData(ref data, bytes);
        return (id[..idLength].ToString(), bytes[..written]);
    }

    private static string Data(RelayFrame frame) => Encoding.UTF8.GetString(frame.Bytes("data").Span);

    [Theory]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"data: {\"a\":1}\n\n"}}""")]
    [InlineData("""{"payload":{"sent_at":"x","data":"data: {\"a\":1}\n\n","extra":{"n":[1,2]}},"type":"stream_chunk","id":"r1","v":2}""")]
    [InlineData("""{"id":"r1","type":"stream_\u0063hunk","payload":{"\u0064ata":"data: {\u0022a\u0022:1}\u000a\n"}}""")]
    [InlineData("""{"id":"r\u0031","type":"stream_chunk","payload":{"data":"data: {\"a\":1}\n\n"}}  """)]
    public void A_stream_chunk_is_read_in_place_whatever_the_field_order_extras_or_escapes(string json)
    {
        var (id, data) = ReadInPlace(json)!.Value;
        Assert.Equal("r1", id);
        Assert.Equal("data: {\"a\":1}\n\n", Encoding.UTF8.GetString(data));
        // The tree reads the same message the same way.
        var frame = Parse(json)!;
        Assert.Equal(("r1", RelayTypes.StreamChunk, "data: {\"a\":1}\n\n"), (frame.Id, frame.Type, Data(frame)));
    }

    [Fact]
    public void Non_ascii_text_in_a_chunk_arrives_as_its_utf8_bytes()
    {
        const string json = """{"id":"r1","type":"stream_chunk","payload":{"data":"caf\u00e9 ☕ 𝄞"}}""";
        Assert.Equal(Encoding.UTF8.GetBytes("café ☕ 𝄞"), ReadInPlace(json)!.Value.Data);
        Assert.Equal(Encoding.UTF8.GetBytes("café ☕ 𝄞"), Parse(json)!.Bytes("data").ToArray());
    }

    [Fact]
    public void A_chunk_with_no_data_is_read_in_place_and_one_with_a_numeric_or_long_id_is_left_to_the_tree()
    {
        Assert.Equal(("r2", ""), ReadInPlace("""{"id":"r2","type":"stream_chunk","payload":{}}""") is { } empty ? (empty.Id, Encoding.UTF8.GetString(empty.Data)) : default);
        const string numericId = """{"id":42,"type":"stream_chunk","payload":{"data":"x"}}""";
        Assert.Null(ReadInPlace(numericId));
        Assert.Equal(("42", "x"), (Parse(numericId)!.Id, Data(Parse(numericId)!)));
        var longId = new string('a', RelayChunk.MaxIdChars + 1);
        var longIdJson = $$$"""{"id":"{{{longId}}}","type":"stream_chunk","payload":{"data":"x"}}""";
        Assert.Null(ReadInPlace(longIdJson));
        Assert.Equal(longId, Parse(longIdJson)!.Id);
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
    [InlineData("""{"id":"r1","type":"stream_start","type":"pong"}""")]
    [InlineData("""{"id":"r1","id":"r2","type":"stream_chunk","payload":{"data":"x"}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","type":"stream_chunk","payload":{"data":"x"}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"x","data":"y"}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"x"},"payload":{"data":"y"}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"n":1,"n":2,"data":"x"}}""")]
    [InlineData("""{"id":"r1","v":1,"v":2,"type":"stream_chunk","payload":{"data":"x"}}""")]
    [InlineData("")]
    public void Text_that_is_not_a_relay_message_is_no_frame(string json)
    {
        Assert.Null(ReadInPlace(json));
        Assert.Null(Parse(json));
    }

    [Theory]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"\ud800"}}""")]
    [InlineData("""{"id":"\ud800","type":"stream_chunk","payload":{"data":"x"}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":17}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":"data"}""")]
    [InlineData("""{"id":{"x":1},"type":"stream_chunk","payload":{"data":"x"}}""")]
    [InlineData("""{"id":"r1","type":"stream_start","payload":{"status":200,"status":201}}""")]
    public void A_hostile_message_never_throws(string json)
    {
        _ = ReadInPlace(json);
        if (Parse(json) is not { } frame) return;
        _ = (frame.Status, frame.Headers().ToList(), frame.Bytes("data"));
    }
}
