using System.Text.Json;
using System.Text.Json.Nodes;

using Router.Protocols.Relay;

namespace Router.Actors.Relay;

/// <summary>One relay message: <c>{"id": "...", "type": "...", "payload": {...}}</c> in one text frame.</summary>
public sealed record RelayFrame(string Id, string Type, JsonObject? Payload = null)
{
    public byte[] ToBytes()
    {
        var message = new JsonObject { ["id"] = Id, ["type"] = Type };
        if (Payload is not null) message["payload"] = Payload.DeepClone();
        return JsonSerializer.SerializeToUtf8Bytes(message);
    }

    /// <summary>The frame a worker sent, or null when it is not a relay message (not JSON, no type).</summary>
    public static RelayFrame? Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            if (JsonNode.Parse(utf8) is not JsonObject message) return null;
            var type = Text(message["type"]);
            if (string.IsNullOrEmpty(type)) return null;
            return new RelayFrame(Text(message["id"]) ?? "", type, message["payload"] as JsonObject);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A string field; a number is taken as its text (some workers send numeric ids).</summary>
    public static string? Text(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<double>(out var d) => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>The `status` field: a number (or a numeric string); null when absent.</summary>
    public int? Status => Payload?["status"] switch
    {
        JsonValue v when v.TryGetValue<double>(out var d) => (int)d,
        JsonValue v when v.TryGetValue<string>(out var s) && int.TryParse(s, out var i) => i,
        _ => null,
    };

    /// <summary>Headers as CLIProxyAPI sends them: each name maps to a list of strings, or to one string.</summary>
    public IEnumerable<(string Name, IReadOnlyList<string> Values)> Headers()
    {
        if (Payload?["headers"] is not JsonObject headers) yield break;
        foreach (var (name, value) in headers)
        {
            IReadOnlyList<string> values = value switch
            {
                JsonArray list => list.Select(Text).OfType<string>().ToList(),
                _ when Text(value) is { } single => [single],
                _ => [],
            };
            if (values.Count > 0) yield return (name, values);
        }
    }

    /// <summary>A string field of the payload (body, data, error), as UTF-8 bytes; empty when absent.</summary>
    public byte[] Bytes(string field) => Text(Payload?[field]) is { } s ? System.Text.Encoding.UTF8.GetBytes(s) : [];

    public override string ToString() => $"RelayFrame {{ Id = {Id}, Type = {Type} }}";
}
