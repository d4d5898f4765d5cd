using System.Text.Json;
using Router.Protocols.Json;
using Router.Protocols.Relay;
using static Router.Protocols.Json.PlainShape;

namespace Router.Actors.Relay;

/// <summary>
/// Most messages of a busy worker socket are stream chunks. One is read in place, in the socket's receive
/// buffer, in a single pass: <c>{"id": "...", "type": "stream_chunk", "payload": {"data": "...", ...}}</c>,
/// fields in any order, other fields passed over. Its id is unescaped into the caller's stack buffer (the
/// pending request is looked up without a string) and its data is left where it is, for the exchange to
/// unescape straight into the answer's body. Anything else (another type, a numeric id, a payload that is
/// not an object, a `data` that is not a string, a key sent twice in the message or its payload, text that
/// is not JSON) is not read here: the tree parse of <see cref="RelayFrame"/> decides (and drops a key sent twice).
/// </summary>
internal static class RelayChunk
{
    /// <summary>The longest id read in place (the router's ids are 32 characters; a longer one cannot be ours).</summary>
    public const int MaxIdChars = 64;

    /// <summary>
    /// True when <paramref name="utf8"/> is a whole stream_chunk message: its id in <paramref name="id"/>[..<paramref name="idLength"/>],
    /// and <paramref name="data"/> on the payload's `data` string (a reader whose TokenType is not String when it has none).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> utf8, Span<char> id, out int idLength, out Utf8JsonReader data)
    {
        idLength = -1;
        data = default;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            var others = new PassedOverFields();
            bool isChunk = false, seenPayload = false, seenData = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    if (idLength >= 0 || !reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > id.Length) return false;
                    idLength = reader.CopyString(id);
                }
                else if (reader.ValueTextEquals("type"u8))
                {
                    if (isChunk || !reader.Read() || reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals(RelayTypes.StreamChunk)) return false;
                    isChunk = true;
                }
                else if (reader.ValueTextEquals("payload"u8))
                {
                    if (!Once(ref seenPayload) || !reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
                    var passedOver = new PassedOverFields();
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("data"u8))
                        {
                            if (!Once(ref seenData) || !reader.Read() || reader.TokenType != JsonTokenType.String) return false;
                            data = reader; // a copy, left on the string
                        }
                        else if (!passedOver.Add(ref reader, utf8)) return false;
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else if (!others.Add(ref reader, utf8)) return false;
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            return EndsHere(ref reader) && isChunk && idLength >= 0;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Invalid JSON, or an id that is not text (a lone surrogate escape).
            return false;
        }
    }

    /// <summary>
    /// Unescapes the string <paramref name="data"/> is on into <paramref name="destination"/> (at least as long as its
    /// escaped text); the bytes written, 0 for no string or one that is not text (a lone surrogate escape), as the tree gives.
    /// </summary>
    public static int CopyData(ref Utf8JsonReader data, Span<byte> destination)
    {
        if (data.TokenType != JsonTokenType.String) return 0;
        if (!data.ValueIsEscaped)
        {
            data.ValueSpan.CopyTo(destination);
            return data.ValueSpan.Length;
        }
        try
        {
            return data.CopyString(destination);
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }
}
