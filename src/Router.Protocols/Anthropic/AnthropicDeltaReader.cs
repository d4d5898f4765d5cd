using System.Text.Json;
using Router.Protocols.Json;
using static Router.Protocols.Json.PlainShape;

namespace Router.Protocols.Anthropic;

/// <summary>
/// A <c>content_block_delta</c> event read straight from its text, without building a tree: nearly every event of an
/// Anthropic stream is one. Only the plain shape is read here — <c>type</c>, <c>index</c> and a <c>delta</c> object of
/// <c>type</c> plus its one value, each of its expected kind and at most once; anything else (another field, another
/// kind, invalid JSON) is left to the tree reader, which then decides exactly as it always did.
/// </summary>
internal static class AnthropicDeltaReader
{
    /// <summary>The fields of one delta event; the value fields not sent are null.</summary>
    public readonly record struct Delta(int? Index, string? Type, string? Text, string? PartialJson, string? Thinking, string? Signature);

    public static bool TryRead(string data, out Delta delta) => Utf8Reading.TryRead(data, TryRead, out delta);

    private static bool TryRead(ReadOnlySpan<byte> json, out Delta delta)
    {
        delta = default;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        string? type = null;
        int? index = null;
        Delta? inner = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                if (type is not null || !ReadString(ref reader, out type)) return false;
            }
            else if (reader.ValueTextEquals("index"u8))
            {
                if (index is not null || !reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var i)) return false;
                index = i;
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                if (inner is not null || !ReadInner(ref reader, out var read)) return false;
                inner = read;
            }
            else return false;
        }
        if (!EndsHere(ref reader)) return false;
        if (type != "content_block_delta" || inner is not { } fields) return false;
        delta = fields with { Index = index };
        return true;
    }

    private static bool ReadInner(ref Utf8JsonReader reader, out Delta delta)
    {
        delta = default;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        string? type = null, text = null, partialJson = null, thinking = null, signature = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ref var target = ref type;
            if (reader.ValueTextEquals("type"u8)) target = ref type;
            else if (reader.ValueTextEquals("text"u8)) target = ref text;
            else if (reader.ValueTextEquals("partial_json"u8)) target = ref partialJson;
            else if (reader.ValueTextEquals("thinking"u8)) target = ref thinking;
            else if (reader.ValueTextEquals("signature"u8)) target = ref signature;
            else return false;
            if (target is not null || !ReadString(ref reader, out target)) return false;
        }
        if (reader.TokenType != JsonTokenType.EndObject) return false;
        delta = new Delta(null, type, text, partialJson, thinking, signature);
        return true;
    }

    private static bool ReadString(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.String) return false;
        value = reader.GetString();
        return true;
    }
}
