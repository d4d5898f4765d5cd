using System.Text;
using Router.Actors.Relay;
using Router.Protocols.Relay;

namespace Router.Tests.AiStudio;

/// <summary>
/// Frames from a worker as the router reads them: answer messages of the plain shape in place, without a tree or a
/// string (any field order, escapes in their text; <see cref="RelayMessage"/>), everything else through the tree
/// (<see cref="RelayFrame.Parse"/>), which reads the same message the same way; hostile text never an exception.
/// </summary>
public sealed class RelayFrameParseTests
{
    private static RelayFrame? Parse(string json) => RelayFrame.Parse(Encoding.UTF8.GetBytes(json));

    /// <summary>The message as the socket reads it in place: its id and its data's UTF-8 bytes; null when left to the tree.</summary>
    private static (string Id, byte[] Data)? ReadInPlace(string json) => ReadInPlace(json, out _);

    private static (string Id, byte[] Data)? ReadInPlace(string json, out (string Type, int? Status, string Headers, string Body) rest)
    {
        rest = default;
        var utf8 = Encoding.UTF8.GetBytes(json);
        if (!RelayMessage.TryRead(utf8, new byte[utf8.Length], out var message)) return null;
        Span<char> id = stackalloc char[RelayMessage.MaxIdChars];
        rest = (message.Type, message.Status, string.Join(";", message.HeaderLists().Select(h => $"{h.Name}={string.Join(",", h.Values)}")),
            Encoding.UTF8.GetString(message.Body.ToBytes().Span));
        return (message.IdChars(id).ToString(), message.Data.Text.ToArray());
    }

    private static string Data(RelayFrame frame) => Encoding.UTF8.GetString(frame.Bytes("data").Span);

    [Theory]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"data: {\"a\":1}\n\n"}}""")]
    [InlineData("""{"payload":{"data":"data: {\"a\":1}\n\n"},"type":"stream_chunk","id":"r1"}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"data: {\u0022a\u0022:1}\u000a\n"}}""")]
    [InlineData(""" { "id" : "r1" , "type" : "stream_chunk" , "payload" : { "data" : "data: {\"a\":1}\n\n" } }  """)]
    public void A_stream_chunk_is_read_in_place_whatever_the_field_order_spaces_or_escapes_in_its_data(string json)
    {
        var (id, data) = ReadInPlace(json)!.Value;
        Assert.Equal("r1", id);
        Assert.Equal("data: {\"a\":1}\n\n", Encoding.UTF8.GetString(data));
        // The tree reads the same message the same way.
        var frame = Parse(json)!;
        Assert.Equal(("r1", RelayTypes.StreamChunk, "data: {\"a\":1}\n\n"), (frame.Id, frame.Type, Data(frame)));
    }

    [Theory]
    [InlineData("""{"payload":{"sent_at":"x","data":"data: {\"a\":1}\n\n","extra":{"n":[1,2]}},"type":"stream_chunk","id":"r1","v":2}""")]
    [InlineData("""{"id":"r1","type":"stream_\u0063hunk","payload":{"\u0064ata":"data: {\u0022a\u0022:1}\u000a\n"}}""")]
    [InlineData("""{"id":"r\u0031","type":"stream_chunk","payload":{"data":"data: {\"a\":1}\n\n"}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"data: {\"a\":1}\n\n","status":"200"}}""")]
    public void A_chunk_with_other_fields_or_escaped_names_is_left_to_the_tree_which_reads_it(string json)
    {
        Assert.Null(ReadInPlace(json));
        var frame = Parse(json)!;
        Assert.Equal(("r1", RelayTypes.StreamChunk, "data: {\"a\":1}\n\n"), (frame.Id, frame.Type, Data(frame)));
    }

    [Theory]
    [InlineData("""{"id":"r3","type":"stream_start","payload":{"status":201,"headers":{"Content-Type":["text/event-stream"],"X-A":"one"}}}""", "stream_start", 201, "Content-Type=text/event-stream;X-A=one", "")]
    [InlineData("""{"type":"http_response","id":"r3","payload":{"body":"{\"ok\":true,\"t\":\"caf\u00e9\"}","status":200,"headers":{}}}""", "http_response", 200, "", "{\"ok\":true,\"t\":\"café\"}")]
    [InlineData("""{"id":"r3","type":"http_response","payload":{"status":503,"body":"down"}}""", "http_response", 503, "", "down")]
    [InlineData("""{"id":"r3","type":"stream_end","payload":{}}""", "stream_end", null, "", "")]
    [InlineData("""{"id":"r3","type":"stream_end"}""", "stream_end", null, "", "")]
    public void Whole_answers_and_a_stream_s_start_and_end_are_read_in_place_as_the_tree_reads_them(string json, string type, int? status, string headers, string body)
    {
        var (id, _) = ReadInPlace(json, out var rest)!.Value;
        Assert.Equal(("r3", type, status, headers, body), (id, rest.Type, rest.Status, rest.Headers, rest.Body));
        var frame = Parse(json)!;
        Assert.Equal(("r3", type, status, headers, body), (frame.Id, frame.Type, frame.Status,
            string.Join(";", frame.Headers().Select(h => $"{h.Name}={string.Join(",", h.Values)}")), Encoding.UTF8.GetString(frame.Bytes("body").Span)));
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
        var longId = new string('a', RelayMessage.MaxIdChars + 1);
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

    [Fact]
    public void Messages_cut_or_with_bytes_changed_at_random_are_read_or_refused_never_thrown_on()
    {
        string[] valid =
        [
            """{"id":"r1","type":"stream_chunk","payload":{"data":"data: {\"a\":\"caf\u00e9 \ud834\udd1e\"}\r\n\r\n"}}""",
            """{"id":"r3","type":"stream_start","payload":{"status":200,"headers":{"Content-Type":["text/event-stream"]}}}""",
            """{"type":"http_response","id":"r4","payload":{"body":"{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}]}}]}","status":200,"headers":{"X":"1"}}}""",
            """{"id":"r5","type":"stream_end","payload":{}}""",
        ];
        var random = new Random(4242);
        byte[] hostile = [(byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'[', (byte)':', (byte)',', (byte)'u', 0x00, 0x1f, 0x80, 0xC3, 0xED, 0xFF, (byte)'0'];
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(valid[i % valid.Length]);
            if (i % 3 == 0) bytes = bytes[..random.Next(bytes.Length)];
            for (var changes = random.Next(1, 4); changes > 0 && bytes.Length > 0; changes--)
                bytes[random.Next(bytes.Length)] = hostile[random.Next(hostile.Length)];
            if (RelayMessage.TryRead(bytes, new byte[bytes.Length], out var message))
                _ = (message.Data.Text.Length, message.Body.ToBytes(), message.HeaderLists().ToList(), message.Status, message.Type);
            else if (RelayFrame.Parse(bytes) is { } frame) // the tree decides, without throwing either
                _ = (frame.Status, frame.Headers().ToList(), frame.Bytes("data"), frame.Bytes("body"), RelayFrame.Text(frame.Payload?["error"]));
        }
    }

    [Theory]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"\ud800"}}""")]
    [InlineData("""{"id":"\ud800","type":"stream_chunk","payload":{"data":"x"}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":17}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":"data"}""")]
    [InlineData("""{"id":{"x":1},"type":"stream_chunk","payload":{"data":"x"}}""")]
    [InlineData("""{"id":"r1","type":"stream_start","payload":{"status":200,"status":201}}""")]
    [InlineData("""{"id":"r1","type":"stream_start","payload":{"status":200,"headers":{"A":["1"],"A":["2"]}}}""")]
    [InlineData("""{"id":"r1","type":"stream_start","payload":{"status":200,"headers":{"A":[[[[[[[[[[["1"]]]]]]]]]]}}}""")]
    [InlineData("""{"id":"r1","type":"stream_start","payload":{"status":200,"headers":{"A":["1"]""")]
    [InlineData("""{"id":"r1","type":"stream_start","payload":{"status":99999,"headers":{}}}""")]
    [InlineData("""{"id":"r1","type":"stream_start","payload":{"status":-1}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"\x41"}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"\u12"}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"\udc00\ud800"}}""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"ab\""")]
    [InlineData("""{"id":"r1","type":"stream_chunk","payload":{"data":"x"},}""")]
    [InlineData("""{"id":"","type":"stream_chunk","payload":{"data":"x"}}""")]
    public void A_hostile_message_never_throws(string json)
    {
        _ = ReadInPlace(json);
        if (Parse(json) is not { } frame) return;
        _ = (frame.Status, frame.Headers().ToList(), frame.Bytes("data"));
    }
}
