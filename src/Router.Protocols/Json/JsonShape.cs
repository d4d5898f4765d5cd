using System.Text.Json.Nodes;

namespace Router.Protocols.Json;

public static class JsonShape
{
    /// <summary>A stream event object that starts with its "type" (and any given leading fields), as vendors write them.</summary>
    public static JsonObject TypedEvent(string type, JsonObject data, params (string Key, JsonNode? Value)[] leading)
    {
        var ordered = new JsonObject { ["type"] = type };
        foreach (var (key, value) in leading) ordered[key] = value;
        foreach (var (key, value) in data.ToList())
        {
            data.Remove(key);
            ordered[key] = value;
        }
        return ordered;
    }
}
