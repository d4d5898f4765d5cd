using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;

namespace Router.Protocols.Json;

/// <summary>Typed reads of request fields that fail with a ProtocolException naming the field.</summary>
public static class JsonRead
{
    public static string RequiredString(JsonObject obj, string name, string path) =>
        OptionalString(obj, name, path) ?? throw new ProtocolException($"'{path}' is required and must be a string.", path);

    public static string? OptionalString(JsonObject obj, string name, string path) => obj[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw new ProtocolException($"'{path}' must be a string.", path),
    };

    public static double? OptionalNumber(JsonObject obj, string name, string path) => obj[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.TryGetValue<long>(out var whole) ? whole : v.GetValue<double>(),
        _ => throw new ProtocolException($"'{path}' must be a number.", path),
    };

    public static int? OptionalInt(JsonObject obj, string name, string path) => obj[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var l) && l is >= int.MinValue and <= int.MaxValue => (int)l,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue => (int)d,
        _ => throw new ProtocolException($"'{path}' must be an integer.", path),
    };

    public static bool? OptionalBool(JsonObject obj, string name, string path) => obj[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => throw new ProtocolException($"'{path}' must be a boolean.", path),
    };

    public static JsonArray? OptionalArray(JsonObject obj, string name, string path) => obj[name] switch
    {
        null => null,
        JsonArray a => a,
        _ => throw new ProtocolException($"'{path}' must be an array.", path),
    };

    public static JsonArray RequiredArray(JsonObject obj, string name, string path) =>
        OptionalArray(obj, name, path) ?? throw new ProtocolException($"'{path}' is required and must be an array.", path);

    /// <summary>The conversation array every vendor refuses when empty (messages, contents, input).</summary>
    public static JsonArray NonEmpty(JsonArray array, string path) =>
        array.Count > 0 ? array : throw new ProtocolException($"'{path}' must contain at least one item.", path);

    public static JsonObject? OptionalObject(JsonObject obj, string name, string path) => obj[name] switch
    {
        null => null,
        JsonObject o => o,
        _ => throw new ProtocolException($"'{path}' must be an object.", path),
    };

    public static JsonObject AsObject(JsonNode? node, string path) =>
        node as JsonObject ?? throw new ProtocolException($"'{path}' must be an object.", path);

    /// <summary>A list of strings given as one string or an array of strings (e.g. `stop`).</summary>
    public static IReadOnlyList<string> StringOrStrings(JsonObject obj, string name, string path) => obj[name] switch
    {
        null => [],
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        JsonArray a => a.Select((n, i) => n is JsonValue s && s.GetValueKind() == JsonValueKind.String
            ? s.GetValue<string>()
            : throw new ProtocolException($"'{path}[{i}]' must be a string.", path)).ToList(),
        _ => throw new ProtocolException($"'{path}' must be a string or an array of strings.", path),
    };

    /// <summary>A string field of an upstream answer, tolerant of absence and wrong types.</summary>
    public static string? Str(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static int? Int(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? v.TryGetValue<int>(out var i) ? i : v.TryGetValue<long>(out var l) ? (int)l : (int)v.GetValue<double>()
            : null;

    /// <summary>Parses JSON text when it is valid, else null (for tool arguments that may be partial).</summary>
    public static JsonNode? TryParse(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (JsonException) { return null; }
    }

    /// <summary>At most <paramref name="max"/> characters of an upstream body, for messages.</summary>
    public static string Shorten(string text, int max = 500) => text.Length <= max ? text : text[..max] + "…";
}
