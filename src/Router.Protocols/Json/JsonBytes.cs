using System.Text.Json;
using System.Text.Json.Nodes;

namespace Router.Protocols.Json;

/// <summary>
/// A JSON tree as UTF-8 bytes, at the cost of the result and a few small blocks. Utf8JsonWriter asks
/// for one contiguous buffer of three times a string's length before writing it, and JsonSerializer
/// caches its buffers in the shared pool, so a text of many megabytes would otherwise cost a buffer of
/// 60 MB and more, kept by the pool for good. Long strings are written here in slices instead.
/// </summary>
public static class JsonBytes
{
    private const int StringSlice = 16 * 1024;

    public static byte[] Serialize(JsonNode node)
    {
        var output = new BlockBufferWriter();
        using (var writer = new Utf8JsonWriter(output)) Write(writer, node);
        return output.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj)
                {
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValue value when value.TryGetValue<string>(out var text) && text.Length > StringSlice:
                WriteSliced(writer, text);
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    private static void WriteSliced(Utf8JsonWriter writer, string text)
    {
        for (var start = 0; start < text.Length; start += StringSlice)
        {
            var length = Math.Min(StringSlice, text.Length - start);
            writer.WriteStringValueSegment(text.AsSpan(start, length), isFinalSegment: start + length == text.Length);
        }
    }
}
