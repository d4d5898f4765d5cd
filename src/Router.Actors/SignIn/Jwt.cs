using System.Buffers.Text;
using System.Text.Json.Nodes;

namespace Router.Actors.SignIn;

/// <summary>
/// Reads the claims of a JWT without checking its signature. Used only on tokens the router received
/// straight from the token server over TLS (OpenID Connect Core 3.1.3.7 allows that) or that the user
/// pasted: to learn an email, an account id, an expiry — never to decide who may call the router.
/// </summary>
public static class Jwt
{
    public static JsonObject? Payload(string? token)
    {
        var parts = token?.Split('.');
        if (parts is not { Length: 3 } || parts[1].Length == 0) return null;
        try
        {
            return JsonNode.Parse(Base64Url.DecodeFromChars(parts[1])) as JsonObject;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public static string? StringClaim(JsonObject? claims, string name) =>
        claims?[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    public static DateTimeOffset? Expiry(JsonObject? claims) =>
        claims?["exp"] is JsonValue v && v.TryGetValue<long>(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}
