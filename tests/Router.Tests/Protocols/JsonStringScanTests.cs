using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Router.Protocols.Json;

namespace Router.Tests.Protocols;

/// <summary>
/// JSON strings checked and unescaped a run at a time (sixteen bytes at a time where they can) give exactly what
/// System.Text.Json gives, and refuse exactly what it refuses; literals written for a JSON parser read back as they were.
/// </summary>
public sealed class JsonStringScanTests
{
    private static readonly JavaScriptEncoder[] Encoders = [JavaScriptEncoder.Default, JavaScriptEncoder.UnsafeRelaxedJsonEscaping];

    /// <summary>The string literal at the start of <paramref name="json"/>, as this scanner reads it; null when refused.</summary>
    private static byte[]? Read(byte[] json)
    {
        var bytes = new byte[json.Length];
        if (!JsonStringScan.TryUnescape(json, 0, bytes, out var end, out var written)) return null;
        Assert.Equal(json.Length, end);
        // A literal without escapes is read alike as a plain one (a name, an id); one with an escape is not plain.
        var plain = JsonStringScan.TryPlain(json, 0, out var content, out var plainEnd);
        Assert.Equal(!json.AsSpan(1, json.Length - 2).Contains((byte)'\\'), plain);
        if (plain)
        {
            Assert.Equal(bytes[..written], content.ToArray());
            Assert.Equal(end, plainEnd);
        }
        return written < 0 ? [] : bytes[..written];
    }

    /// <summary>The same literal as Utf8JsonReader reads it; null when it is not a JSON string.</summary>
    private static byte[]? Reference(byte[] json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.String) return null;
            var bytes = new byte[json.Length];
            int written;
            try
            {
                written = reader.CopyString(bytes);
            }
            catch (InvalidOperationException)
            {
                written = 0; // an escaped lone surrogate, or bytes that are not UTF-8: no text
            }
            return reader.Read() ? null : bytes[..written];
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [Fact]
    public void Random_text_written_by_either_encoder_reads_back_as_it_was()
    {
        var random = new Random(1717);
        string[] pieces = ["\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\u0001", "\u001f", "<", "&", "'", "é", "☕", "𝄞", "data: ", "{", "}", "a", "0", " ", "\u2028"];
        for (var i = 0; i < 2_000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, i % 10 == 0 ? 400 : 40)).Select(_ => pieces[random.Next(pieces.Length)]));
            var json = JsonSerializer.SerializeToUtf8Bytes(text, new JsonSerializerOptions { Encoder = Encoders[i % 2] });
            Assert.Equal(Encoding.UTF8.GetBytes(text), Read(json));
        }
    }

    [Fact]
    public void Random_text_written_as_a_literal_is_JSON_that_reads_back_as_it_was()
    {
        var random = new Random(2929);
        string[] pieces = ["\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\u0000", "\u0001", "\u001f", "\u007f", "<", "é", "𝄞", "\u2028", "data: ", "a"];
        for (var i = 0; i < 2_000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 40)).Select(_ => pieces[random.Next(pieces.Length)]));
            var literal = JsonStringScan.Literal(Encoding.UTF8.GetBytes(text));
            Assert.Equal(text, JsonSerializer.Deserialize<string>(literal));
            Assert.Equal(Encoding.UTF8.GetBytes(text), Read(literal));
        }
    }

    [Theory]
    [InlineData("\"plain\"")]
    [InlineData("\"\"")]
    [InlineData("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"")]
    [InlineData("\"\\u0041\\u00e9\\u2615\\uD834\\uDD1E\"")]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"\\udc00\"")]
    [InlineData("\"\\ud800\\u0041\"")]
    [InlineData("\"\\ud800\\ud800\"")]
    [InlineData("\"a\\x\"")]
    [InlineData("\"a\\u12\"")]
    [InlineData("\"a\\u12g4\"")]
    [InlineData("\"a\\")]
    [InlineData("\"unterminated")]
    [InlineData("\"tab\tinside\"")]
    [InlineData("\"nul\u0000inside\"")]
    [InlineData("no quote")]
    public void A_literal_is_read_or_refused_as_System_Text_Json_reads_or_refuses_it(string literal) =>
        Assert.Equal(Reference(Encoding.UTF8.GetBytes(literal)), Read(Encoding.UTF8.GetBytes(literal)));

    [Theory]
    [InlineData("\\\"")]
    [InlineData("\\n")]
    [InlineData("\\u00e9")]
    [InlineData("\\ud834\\udd1e")]
    [InlineData("\\ud800")]
    [InlineData("é")]
    [InlineData("\t")]
    [InlineData("\\x")]
    [InlineData("\\u12")]
    public void Every_position_around_the_sixteen_byte_blocks_reads_as_System_Text_Json_reads_it(string special)
    {
        for (var before = 0; before <= 40; before++)
            foreach (var after in new[] { 0, 1, 15, 16, 17 })
            {
                var literal = Encoding.UTF8.GetBytes("\"" + new string('a', before) + special + new string('b', after) + "\"");
                Assert.Equal(Reference(literal), Read(literal));
                // In a larger message: the literal's end is found, and the bytes after it are not read as its text.
                var inMessage = Encoding.UTF8.GetBytes("{\"data\":" + Encoding.UTF8.GetString(literal) + ",\"x\":\"\\n\\\"" + new string('c', 20) + "\"}");
                var text = new byte[inMessage.Length];
                var read = JsonStringScan.TryUnescape(inMessage, 8, text, out var end, out var written);
                Assert.Equal(Reference(literal) is not null, read);
                if (!read) continue;
                Assert.Equal(8 + literal.Length, end);
                Assert.Equal(Reference(literal), written < 0 ? [] : text[..written]);
            }
    }

    [Theory]
    [InlineData(new byte[] { (byte)'"', 0xC3, (byte)'"' })]
    [InlineData(new byte[] { (byte)'"', (byte)'a', 0xFF, (byte)'\\', (byte)'n', (byte)'"' })]
    [InlineData(new byte[] { (byte)'"', 0xED, 0xA0, 0x80, (byte)'"' })]
    public void Bytes_that_are_not_UTF8_are_refused_where_System_Text_Json_reads_no_text_from_them(byte[] literal)
    {
        Assert.Empty(Reference(literal)!);
        Assert.Null(Read(literal));
    }
}
