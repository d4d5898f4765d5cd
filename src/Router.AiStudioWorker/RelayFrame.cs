using System.Text.Json;
using System.Text.Json.Nodes;

namespace Router.AiStudioWorker;

/// <summary>One relay message: {"id", "type", "payload"} (the router's /v1/ws protocol).</summary>
public sealed record RelayFrame(string Id, string Type, JsonObject Payload)
{
    public const string HttpRequest = "http_request";
    public const string HttpResponse = "http_response";
    public const string StreamStart = "stream_start";
    public const string StreamChunk = "stream_chunk";
    public const string StreamEnd = "stream_end";
    public const string Error = "error";
    public const string Ping = "ping";
    public const string Pong = "pong";
    /// <summary>Router → worker: open a visible window so the person can sign in.</summary>
    public const string Login = "login";

    /// <summary>Types after which nothing more is sent for a request id.</summary>
    public static bool IsFinal(string type) => type is HttpResponse or StreamEnd or Error;

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
        new(id, Error, new JsonObject { ["error"] = message, ["status"] = status });

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
