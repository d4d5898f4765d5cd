using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;

namespace Router.Protocols.Json;

/// <summary>
/// Parses a client's request body (and an upstream's whole answer) into a JsonObject, refusing what no vendor API accepts and what the
/// decoders would otherwise trip over later: duplicate keys, strings that are not valid UTF-8 (or
/// escape a lone surrogate), numbers that overflow a double (1e999), nesting deeper than
/// <see cref="MaxDepth"/>. Each refusal is a <see cref="ProtocolException"/> naming the field.
/// Strings are materialised once (decoders then share the instance). An integer that fits a long is held
/// as one; any other number stays element-backed, so it passes through upstream with its original text.
/// Read numbers with <see cref="JsonRead"/>, which takes either.
/// </summary>
public static class StrictJson
{
    /// <summary>Deep enough for nested tool schemas, shallow enough that no recursion runs away.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonReaderOptions Options = new() { MaxDepth = MaxDepth };

    public static JsonObject ParseObject(ReadOnlySequence<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, Options);
        var path = new JsonPath();
        try
        {
            if (!reader.Read()) throw new ProtocolException("The request body is empty; it must be a JSON object.");
            if (reader.TokenType != JsonTokenType.StartObject) throw new ProtocolException("The request body must be a JSON object.");
            var root = ReadObject(ref reader, path);
            while (reader.Read()) { } // anything but whitespace after the object throws
            return root;
        }
        catch (JsonException) when (path.Depth >= MaxDepth - 1)
        {
            throw new ProtocolException($"The request body nests deeper than {MaxDepth} levels (at '{path}').", path.ToString());
        }
        catch (JsonException e)
        {
            throw new ProtocolException("The request body is not valid JSON: " + FirstSentence(e.Message), path.ToString());
        }
        catch (InvalidOperationException)
        {
            // GetString's transcoding: invalid UTF-8 bytes or an escaped lone surrogate.
            throw new ProtocolException($"'{path}' is not valid UTF-8 text.", path.ToString());
        }
    }

    /// <summary>The object the reader is on (at its StartObject), with the same refusals: a part of a larger body, such as an answer's usage.</summary>
    public static JsonObject ReadObject(ref Utf8JsonReader reader) => ReadObject(ref reader, new JsonPath());

    private static JsonObject ReadObject(ref Utf8JsonReader reader, JsonPath path)
    {
        var obj = new JsonObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            path.Push(name);
            if (obj.ContainsKey(name))
                throw new ProtocolException($"The key '{path}' appears more than once.", path.ToString());
            reader.Read();
            obj.Add(name, ReadValue(ref reader, path));
            path.Pop();
        }
        return obj;
    }

    private static JsonArray ReadArray(ref Utf8JsonReader reader, JsonPath path)
    {
        var array = new JsonArray();
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            path.Push(index++);
            array.Add(ReadValue(ref reader, path));
            path.Pop();
        }
        return array;
    }

    private static JsonNode? ReadValue(ref Utf8JsonReader reader, JsonPath path) => reader.TokenType switch
    {
        JsonTokenType.StartObject => ReadObject(ref reader, path),
        JsonTokenType.StartArray => ReadArray(ref reader, path),
        JsonTokenType.String => JsonValue.Create(reader.GetString()!),
        JsonTokenType.Number => ReadNumber(ref reader, path),
        JsonTokenType.True => JsonValue.Create(true),
        JsonTokenType.False => JsonValue.Create(false),
        _ => null,
    };

    private static JsonValue ReadNumber(ref Utf8JsonReader reader, JsonPath path)
    {
        // Most numbers are plain integers (max_tokens, token counts): held as a long, with no document
        // behind them, they write back as the same digits ("-0" is left to the element, which keeps it).
        if (!reader.HasValueSequence && reader.TryGetInt64(out var whole) && (whole != 0 || reader.ValueSpan.Length == 1))
            return JsonValue.Create(whole);
        if (!reader.TryGetDouble(out var value) || !double.IsFinite(value))
            throw new ProtocolException($"'{path}' is a number too large to represent.", path.ToString());
        var text = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        return JsonValue.Create(JsonElement.Parse(text))!;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }

    /// <summary>Where the reader is, as "messages[0].content", built only when an error names it.</summary>
    private sealed class JsonPath
    {
        private readonly List<object> _segments = [];

        public void Push(object segment) => _segments.Add(segment);

        public void Pop() => _segments.RemoveAt(_segments.Count - 1);

        public int Depth => _segments.Count;

        public override string ToString()
        {
            var text = new StringBuilder();
            foreach (var segment in _segments)
            {
                if (segment is int index) text.Append('[').Append(index).Append(']');
                else text.Append(text.Length > 0 ? "." : "").Append(segment);
            }
            return JsonRead.Shorten(text.ToString(), 200);
        }
    }
}
