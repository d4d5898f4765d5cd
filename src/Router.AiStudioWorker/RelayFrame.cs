using Router.Protocols.Relay;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Router.AiStudioWorker;

/// <summary>One relay message: {"id", "type", "payload"} (the router's /v1/ws protocol).</summary>
public sealed record RelayFrame(string Id, string Type, JsonObject Payload)
{
    /// <summary>The frame as JSON text (writes the payload in place: a payload node keeps its parent).</summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", Id);
            writer.WriteString("type", Type);
            writer.WritePropertyName("payload");
            Payload.WriteTo(writer);
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static RelayFrame ErrorFor(string id, string message, int status) =>
        new(id, RelayTypes.Error, new JsonObject { ["error"] = message, ["status"] = status });

    /// <summary>Null when the text is not a relay message (bad JSON, no type).</summary>
    public static RelayFrame? TryParse(string text)
    {
        try
        {
            if (JsonNode.Parse(text) is not JsonObject o || o["type"]?.GetValue<string>() is not { } type) return null;
            var id = o["id"]?.ToString() ?? "";
            return new RelayFrame(id, type, o["payload"] as JsonObject ?? new JsonObject());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
