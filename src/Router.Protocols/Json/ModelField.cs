using System.Text.Json;

namespace Router.Protocols.Json;

/// <summary>
/// A client's request body forwarded as the client wrote it, with only the top-level "model" value
/// swapped when the upstream knows the model by another name: no parse into a tree and no
/// re-serialization, so every other byte (numbers, escapes, key order) reaches the upstream untouched.
/// </summary>
public static class ModelField
{
    /// <summary>
    /// <paramref name="json"/> with its top-level "model" string set to <paramref name="model"/> (the same
    /// memory when it already is); null when the body has no top-level "model" string to set.
    /// </summary>
    public static ReadOnlyMemory<byte>? WithModel(ReadOnlyMemory<byte> json, string model)
    {
        try
        {
            return Splice(json, model);
        }
        catch (JsonException)
        {
            return null; // not what the front door parsed: the tree is the safe way
        }
    }

    private static ReadOnlyMemory<byte>? Splice(ReadOnlyMemory<byte> json, string model)
    {
        var reader = new Utf8JsonReader(json.Span, new JsonReaderOptions { MaxDepth = StrictJson.MaxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isModel = reader.ValueTextEquals("model"u8);
            reader.Read();
            if (!isModel)
            {
                reader.Skip();
                continue;
            }
            if (reader.TokenType != JsonTokenType.String) return null;
            if (reader.ValueTextEquals(model)) return json;
            var start = (int)reader.TokenStartIndex;
            var end = (int)reader.BytesConsumed;
            var value = JsonSerializer.SerializeToUtf8Bytes(model);
            var spliced = new byte[start + value.Length + json.Length - end];
            json.Span[..start].CopyTo(spliced);
            value.CopyTo(spliced.AsSpan(start));
            json.Span[end..].CopyTo(spliced.AsSpan(start + value.Length));
            return spliced;
        }
        return null;
    }
}
