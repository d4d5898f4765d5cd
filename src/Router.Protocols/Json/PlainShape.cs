using System.Text.Json;

namespace Router.Protocols.Json;

/// <summary>
/// What the plain-shape readers (a stream chunk read with a <see cref="Utf8JsonReader"/> instead of a tree) share:
/// every field they keep is read once, of its one kind, and every field they pass over is remembered so that a key
/// sent twice — which the tree reader refuses — sends the chunk to the tree reader.
/// </summary>
public static class PlainShape
{
    /// <summary>Names of fields passed over in one object, kept to catch one sent twice.</summary>
    public const int MaxPassedOver = 12;

    /// <summary>False when the field was seen before in this object.</summary>
    public static bool Once(ref bool seen)
    {
        if (seen) return false;
        seen = true;
        return true;
    }

    /// <summary>
    /// True when the message's outer object ends here and nothing follows it. A trailing token makes Read throw a
    /// JsonException, which the callers take as "not plain".
    /// </summary>
    public static bool EndsHere(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.EndObject && !reader.Read();

    /// <summary>Reads the object the reader is on (its StartObject) to its end.</summary>
    public delegate bool ObjectReader<T>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, out T value);

    /// <summary>
    /// An array (or null) of which only the first element is read, as an object by <paramref name="read"/>; later
    /// elements are passed over, as the tree readers ignore them. Default when the array is null or empty.
    /// </summary>
    public static bool ReadFirstObject<T>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ObjectReader<T> read, out T first)
    {
        first = default!;
        if (!reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartArray || !reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.EndArray) return true;
        if (reader.TokenType != JsonTokenType.StartObject || !read(ref reader, json, out first)) return false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) reader.Skip();
        return reader.TokenType == JsonTokenType.EndArray;
    }

    /// <summary>A string, or null for JSON null; false for any other kind.</summary>
    public static bool ReadOptionalString(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (!reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.String) return false;
        value = reader.GetString();
        return true;
    }
}

/// <summary>The names of the fields an object had that are passed over, as ranges of the text: one sent twice
/// (which the tree reader refuses) or a name written with escapes sends the chunk to the tree reader.</summary>
public struct PassedOverFields
{
    private Names _names;
    private int _count;

    public bool Add(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (reader.ValueIsEscaped || _count == PlainShape.MaxPassedOver) return false;
        var name = reader.ValueSpan;
        for (var i = 0; i < _count; i++)
            if (json[_names[i]].SequenceEqual(name)) return false;
        var start = (int)reader.TokenStartIndex + 1; // after the opening quote
        _names[_count++] = new Range(start, start + name.Length);
        return true;
    }

    [System.Runtime.CompilerServices.InlineArray(PlainShape.MaxPassedOver)]
    private struct Names
    {
        private Range _first;
    }
}
