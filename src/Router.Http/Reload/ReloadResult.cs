using System.Text.Json.Nodes;

namespace Router.Http.Reload;

/// <summary>
/// What a reload did: applied (with the changes made live and the keys that need a restart), or
/// refused because the new file is invalid (Error says where: FILE:LINE: key.path: what is wrong).
/// </summary>
public sealed record ReloadResult(bool Applied, string? Error, IReadOnlyList<string> Changes, IReadOnlyList<string> RestartNeeded)
{
    public static ReloadResult Refused(string error) => new(false, error, [], []);

    public JsonObject ToJson() => new()
    {
        ["applied"] = Applied,
        ["error"] = Error,
        ["changes"] = new JsonArray(Changes.Select(c => (JsonNode?)c).ToArray()),
        ["restart_needed"] = new JsonArray(RestartNeeded.Select(c => (JsonNode?)c).ToArray()),
    };
}
