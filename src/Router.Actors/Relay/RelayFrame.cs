using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

using Router.Protocols.Relay;

namespace Router.Actors.Relay;

/// <summary>One relay message: <c>{"id": "...", "type": "...", "payload": {...}}</c> in one text frame.</summary>
public sealed record RelayFrame(string Id, string Type, JsonObject? Payload = null)
{
    /// <summary>
    /// Frames go to a worker's JSON.parse, never into HTML: quotes are escaped as \" and text other than ASCII is
    /// sent as it is, so a request body full of quotes is not six bytes a quote (the default encoder's \u0022).
    /// </summary>
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public ReadOnlyMemory<byte> ToBytes() => Serialize(Id, Type, Payload is null ? null : Payload.WriteTo);

    /// <summary>
    /// Writes {"id", "type", "payload"} with the payload written by <paramref name="payload"/> (none when null), into a
    /// buffer of <paramref name="sizeHint"/> bytes to start with.
    /// </summary>
    internal static ReadOnlyMemory<byte> Serialize(string id, string type, Action<Utf8JsonWriter, JsonSerializerOptions?>? payload, int sizeHint = 256)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(sizeHint);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, id);
            writer.WriteString("type"u8, type);
            if (payload is not null)
            {
                writer.WritePropertyName("payload"u8);
                payload(writer, null);
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }

    /// <summary>
    /// The frame a worker sent, or null when it is not a relay message (not JSON, no type, a key twice). Answer
    /// messages of the plain shape are read in place by <see cref="RelayMessage"/> before they get here.
    /// </summary>
    public static RelayFrame? Parse(ReadOnlySpan<byte> utf8)
    {
        // Names are made strings when an object is first looked into: text that is not UTF-8, or a name escaping half a
        // surrogate pair, is refused here rather than throwing from a later lookup.
        if (!System.Text.Unicode.Utf8.IsValid(utf8)) return null;
        try
        {
            if (JsonNode.Parse(utf8, documentOptions: NoDuplicates) is not JsonObject message) return null;
            var type = Text(message["type"]);
            if (string.IsNullOrEmpty(type)) return null;
            var payload = message["payload"] as JsonObject;
            _ = payload?.ContainsKey(""); // makes every name of the payload a string now
            return new RelayFrame(Text(message["id"]) ?? "", type, payload);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    // A key twice is no relay message: the tree would throw on its first look at that object, mid-answer.
    internal static readonly JsonDocumentOptions NoDuplicates = new() { AllowDuplicateProperties = false };

    /// <summary>A string field; a number is taken as its text (some workers send numeric ids). A string with a
    /// lone surrogate escape is not text: null.</summary>
    public static string? Text(JsonNode? node)
    {
        try
        {
            return node switch
            {
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                JsonValue v when v.TryGetValue<double>(out var d) => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => null,
            };
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The `status` field: a number (or a numeric string); null when absent.</summary>
    public int? Status => Payload?["status"] switch
    {
        JsonValue v when v.TryGetValue<double>(out var d) => (int)d,
        var node when Text(node) is { } s && int.TryParse(s, out var i) => i,
        _ => null,
    };

    /// <summary>Headers as CLIProxyAPI sends them: each name maps to a list of strings, or to one string.</summary>
    public IEnumerable<(string Name, IReadOnlyList<string> Values)> Headers() => HeadersOf(Payload?["headers"]);

    /// <summary>A headers object's lists (see <see cref="Headers"/>); none when it is not an object.</summary>
    internal static IReadOnlyList<(string Name, IReadOnlyList<string> Values)> HeadersOf(JsonNode? node)
    {
        if (node is not JsonObject headers) return [];
        var lists = new List<(string, IReadOnlyList<string>)>(headers.Count);
        try
        {
            foreach (var (name, value) in headers)
            {
                IReadOnlyList<string> values = value switch
                {
                    JsonArray list => list.Select(Text).OfType<string>().ToList(),
                    _ when Text(value) is { } single => [single],
                    _ => [],
                };
                if (values.Count > 0) lists.Add((name, values));
            }
        }
        catch (InvalidOperationException)
        {
            return []; // a name escaping half a surrogate pair: no headers, as no text
        }
        return lists;
    }

    /// <summary>A string field of the payload (body, data, error), as UTF-8 bytes; empty when absent.</summary>
    public ReadOnlyMemory<byte> Bytes(string field) =>
        Text(Payload?[field]) is { } s ? System.Text.Encoding.UTF8.GetBytes(s) : ReadOnlyMemory<byte>.Empty;

    public override string ToString() => $"RelayFrame {{ Id = {Id}, Type = {Type} }}";
}
