using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Actors.Accounts;
using Router.Actors.Configuration;
using Router.Protocols.Json;

namespace Router.Actors.SignIn;

/// <summary>
/// A ctonew session: the Clerk cookie the user pasted (a JWT whose payload holds a `rotating_token`),
/// exchanged at clerk.token_url for a short-lived JWT ({"jwt": "..."}) that EngineLabs accepts.
/// </summary>
public sealed class ClerkSession(ClerkConfig config, HttpClient http, Func<DateTimeOffset>? clock = null) : ITokenRenewer
{
    /// <summary>JWTs are used until 30 s before their exp.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(30);

    private readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.UtcNow);

    /// <summary>The cookie as pasted (a leading "__client=" is dropped), or null with the reason it is not a session cookie.</summary>
    public static (string? Cookie, string? Problem) Parse(string? pasted)
    {
        var cookie = pasted?.Trim() ?? "";
        if (cookie.StartsWith("__client=", StringComparison.Ordinal)) cookie = cookie["__client=".Length..];
        if (cookie.Length == 0) return (null, "clerk_jwt_cookie is missing or empty");
        var claims = Jwt.Payload(cookie);
        if (claims is null) return (null, "clerk_jwt_cookie is not a JWT (three base64url parts with a JSON payload)");
        if (Jwt.StringClaim(claims, "rotating_token") is null) return (null, "clerk_jwt_cookie has no rotating_token claim: copy the __client cookie of the signed-in site");
        return (cookie, null);
    }

    /// <summary>The longest Clerk id a session key keeps as it is.</summary>
    public const int LongestSessionId = 64;

    /// <summary>
    /// A stable, non-secret name for the session (it names the account's entity): its Clerk id when the
    /// cookie names a plain one (only [A-Za-z0-9_-], at most 64 characters), else `session-` and a fingerprint
    /// of what the cookie says, so no path, control character or oversized claim ever reaches a name.
    /// </summary>
    public static string SessionKey(string cookie)
    {
        var claims = Jwt.Payload(cookie);
        var id = Jwt.StringClaim(claims, "sid") ?? Jwt.StringClaim(claims, "id");
        if (id is not null && IsPlainId(id)) return id;
        return "session-" + AccountSpec.Fingerprint(id ?? Jwt.StringClaim(claims, "rotating_token") ?? cookie);
    }

    private static bool IsPlainId(string id) =>
        id.Length is > 0 and <= LongestSessionId && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    public async Task<RenewOutcome> RenewAsync(Credential current, CancellationToken cancellationToken)
    {
        var rotating = Jwt.StringClaim(Jwt.Payload(current.Secret), "rotating_token");
        if (rotating is null) return new RenewRefused("the session cookie has no rotating_token");
        using var request = new HttpRequestMessage(HttpMethod.Post, config.TokenUrl)
        {
            Content = new FormUrlEncodedContent([new("rotating_token", rotating)]),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            var body = JsonRead.TryParse(await response.Content.ReadAsStringAsync(cancellationToken)) as JsonObject;
            if (response.IsSuccessStatusCode && Jwt.StringClaim(body, "jwt") is { } jwt)
                return new Renewed(current with
                {
                    AccessToken = jwt,
                    ObtainedAt = _clock(),
                    ExpiresAt = Jwt.Expiry(Jwt.Payload(jwt)) ?? _clock().AddMinutes(1),
                });
            var reason = $"Clerk answered HTTP {status}" + (ClerkMessage(body) is { } message ? $": {message}" : "");
            return status is >= 400 and < 500 && status != 429 ? new RenewRefused(reason) : new RenewFailed(reason);
        }
        catch (HttpRequestException e)
        {
            return new RenewFailed($"Clerk is unreachable ({e.HttpRequestError})");
        }
    }

    /// <summary>Clerk's error shape: {"errors":[{"message": ..., "long_message": ...}]}; or a plain {"error": ...}.</summary>
    private static string? ClerkMessage(JsonObject? body)
    {
        var first = (body?["errors"] as JsonArray)?.FirstOrDefault() as JsonObject;
        var text = Jwt.StringClaim(first, "long_message") ?? Jwt.StringClaim(first, "message") ?? Jwt.StringClaim(body, "error");
        return text is null ? null : JsonRead.Shorten(text, RenewOutcome.ReasonLength);
    }

}
