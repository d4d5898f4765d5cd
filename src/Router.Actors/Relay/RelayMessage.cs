using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Router.Protocols.Json;
using Router.Protocols.Relay;
using static Router.Protocols.Json.PlainShape;

namespace Router.Actors.Relay;

/// <summary>
/// A worker's answer message read in place, in the socket's receive buffer:
/// <c>{"id": "...", "type": "stream_chunk" | "stream_end" | "stream_start" | "http_response", "payload": {...}}</c>
/// with the payload's <c>data</c>, <c>body</c>, <c>status</c> and <c>headers</c>, fields in any order. The id is left
/// where it is; the text of data or body is unescaped in one pass into the caller's scratch buffer. Anything
/// else — another type, another field, a name or id written with escapes, an id longer than <see cref="MaxIdChars"/>, a
/// status that is not a plain number, a key twice, text that is not JSON — is not read here: the tree parse of
/// <see cref="RelayFrame"/> decides.
/// </summary>
internal readonly ref struct RelayMessage
{
    /// <summary>The longest id read in place (the router's ids are 32 characters; a longer one cannot be ours).</summary>
    public const int MaxIdChars = 64;

    /// <summary>The id's ASCII bytes.</summary>
    public ReadOnlySpan<byte> Id { get; init; }
    public string Type { get; init; }
    public int? Status { get; init; }
    /// <summary>The payload's headers object; null when it has none.</summary>
    public System.Text.Json.Nodes.JsonNode? Headers { get; init; }
    public JsonText Data { get; init; }
    public JsonText Body { get; init; }

    /// <summary>The id as characters, into <paramref name="chars"/> (at least <see cref="MaxIdChars"/> long).</summary>
    public ReadOnlySpan<char> IdChars(Span<char> chars) => chars[..Encoding.ASCII.GetChars(Id, chars)];

    /// <summary>The headers as the tree reads them.</summary>
    public IEnumerable<(string Name, IReadOnlyList<string> Values)> HeaderLists() => RelayFrame.HeadersOf(Headers);

    /// <summary>
    /// Reads <paramref name="json"/>; the text of data and body is unescaped into <paramref name="scratch"/> (at least as
    /// long as <paramref name="json"/>), which the message's <see cref="Data"/> and <see cref="Body"/> point into.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> json, Span<byte> scratch, out RelayMessage message)
    {
        message = default;
        if (scratch.Length < json.Length) throw new ArgumentException("the scratch buffer is shorter than the message", nameof(scratch));
        try
        {
            return new Reader(json, scratch).TryMessage(out message);
        }
        catch (JsonException)
        {
            return false; // a headers object that is not JSON, or has a key twice
        }
    }

    /// <summary>A string field's text, unescaped; empty when the field is absent or its escapes name no text.</summary>
    public readonly ref struct JsonText(ReadOnlySpan<byte> text, bool present)
    {
        public ReadOnlySpan<byte> Text { get; } = text;
        public bool Present { get; } = present;

        public ReadOnlyMemory<byte> ToBytes() => Text.ToArray();
    }

    private ref struct Reader(ReadOnlySpan<byte> json, Span<byte> scratch)
    {
        private readonly ReadOnlySpan<byte> _json = json;
        private readonly Span<byte> _scratch = scratch;
        private int _at;
        private int _scratchUsed;

        public bool TryMessage(out RelayMessage message)
        {
            message = default;
            ReadOnlySpan<byte> id = default;
            System.Text.Json.Nodes.JsonNode? headers = null;
            string? type = null;
            int? status = null;
            JsonText data = default, body = default;
            bool seenPayload = false, seenStatus = false, seenHeaders = false;
            if (!Take((byte)'{')) return false;
            do
            {
                if (!Name(out var name)) return false;
                if (name.SequenceEqual("id"u8))
                {
                    if (!id.IsEmpty || !PlainString(out id) || id.IsEmpty || id.Length > MaxIdChars || !Ascii.IsValid(id)) return false;
                }
                else if (name.SequenceEqual("type"u8))
                {
                    if (type is not null || !PlainString(out var typeText) || KnownType(typeText) is not { } known) return false;
                    type = known;
                }
                else if (name.SequenceEqual("payload"u8))
                {
                    if (!Once(ref seenPayload) || !Take((byte)'{')) return false;
                    if (Take((byte)'}')) continue;
                    do
                    {
                        if (!Name(out var field)) return false;
                        var ok = field.SequenceEqual("data"u8) ? !data.Present && Text(out data)
                            : field.SequenceEqual("body"u8) ? !body.Present && Text(out body)
                            : field.SequenceEqual("status"u8) ? Once(ref seenStatus) && Number(out status)
                            : field.SequenceEqual("headers"u8) && Once(ref seenHeaders) && Object(out headers);
                        if (!ok) return false;
                    } while (Take((byte)','));
                    if (!Take((byte)'}')) return false;
                }
                else return false;
            } while (Take((byte)','));
            if (!Take((byte)'}') || type is null || id.IsEmpty) return false;
            SkipWhitespace();
            if (_at != _json.Length) return false;
            message = new RelayMessage { Id = id, Type = type, Status = status, Headers = headers, Data = data, Body = body };
            return true;
        }

        private static string? KnownType(ReadOnlySpan<byte> type) =>
            type.SequenceEqual("stream_chunk"u8) ? RelayTypes.StreamChunk
            : type.SequenceEqual("stream_end"u8) ? RelayTypes.StreamEnd
            : type.SequenceEqual("stream_start"u8) ? RelayTypes.StreamStart
            : type.SequenceEqual("http_response"u8) ? RelayTypes.HttpResponse
            : null;

        /// <summary>A field's name (without escapes) and its colon.</summary>
        private bool Name(out ReadOnlySpan<byte> name) => PlainString(out name) && Take((byte)':');

        private bool PlainString(out ReadOnlySpan<byte> content)
        {
            SkipWhitespace();
            if (!JsonStringScan.TryPlain(_json, _at, out content, out var end)) return false;
            _at = end;
            return true;
        }

        private bool Text(out JsonText text)
        {
            text = default;
            SkipWhitespace();
            var into = _scratch[_scratchUsed..];
            if (!JsonStringScan.TryUnescape(_json, _at, into, out var end, out var written)) return false;
            text = new JsonText(written < 0 ? [] : into[..written], present: true);
            _scratchUsed += Math.Max(0, written);
            _at = end;
            return true;
        }

        /// <summary>A status: a plain non-negative integer of at most three digits.</summary>
        private bool Number(out int? value)
        {
            value = null;
            SkipWhitespace();
            var digits = 0;
            var number = 0;
            while (_at < _json.Length && _json[_at] is >= (byte)'0' and <= (byte)'9' && digits < 4)
            {
                number = number * 10 + (_json[_at++] - '0');
                digits++;
            }
            if (digits is 0 or > 3) return false;
            value = number;
            return true;
        }

        /// <summary>An object (headers: short), read as a tree as the tree parse reads it: a key twice is no message.</summary>
        private bool Object(out System.Text.Json.Nodes.JsonNode? tree)
        {
            tree = null;
            SkipWhitespace();
            if (_at >= _json.Length || _json[_at] != '{') return false;
            var reader = new Utf8JsonReader(_json[_at..]);
            reader.Read();
            reader.Skip();
            var length = (int)reader.BytesConsumed;
            if (!Utf8.IsValid(_json.Slice(_at, length))) return false; // refused by the tree parse too
            tree = System.Text.Json.Nodes.JsonNode.Parse(_json.Slice(_at, length), documentOptions: RelayFrame.NoDuplicates);
            _at += length;
            return true;
        }

        private bool Take(byte token)
        {
            SkipWhitespace();
            if (_at >= _json.Length || _json[_at] != token) return false;
            _at++;
            return true;
        }

        private void SkipWhitespace()
        {
            while (_at < _json.Length && _json[_at] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') _at++;
        }
    }
}
