using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Router.Actors.Configuration;

namespace Router.Tests.Fakes;

/// <summary>
/// A loopback OAuth 2.0 authorization server that checks what a real one checks: client_id,
/// redirect_uri, response_type, S256 challenge against the verifier, one-time codes that expire,
/// the refresh grant. Issues access tokens that expire, rotating refresh tokens, and an unsigned
/// id_token with the email (and ChatGPT's account claim). Everything it issued is kept, so tests
/// can check none of it reached a log or a response.
/// </summary>
public sealed class FakeOAuthServer : IAsyncDisposable
{
    public const string ClientId = "test-client-id";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, IssuedCode> _codes = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _accessTokens = new();
    private readonly ConcurrentDictionary<string, string> _refreshTokens = new(); // refresh token → email
    private int _refreshCalls;
    private int _codeExchanges;

    public string BaseUrl { get; }
    public HashSet<string> RedirectUris { get; } = new();
    /// <summary>The person who "signs in" at the authorize page next.</summary>
    public string NextEmail { get; set; } = "alice@example.com";
    public string AccountId { get; set; } = "acct-1234";
    /// <summary>Lifetime of the access tokens issued from now on.</summary>
    public int ExpiresIn { get; set; } = 3600;
    /// <summary>Lifetime of the next token issued only (then ExpiresIn again): a short-lived first token.</summary>
    public int? NextExpiresIn { get; set; }
    public bool RefuseRefresh { get; set; }
    public TimeSpan RefreshDelay { get; set; } = TimeSpan.Zero;
    /// <summary>form (RFC 6749), json, or any: what the token endpoint accepts.</summary>
    public string TokenFormat { get; set; } = "any";

    public int RefreshCalls => _refreshCalls;
    public int CodeExchanges => _codeExchanges;
    /// <summary>Every code, access, refresh and id token issued.</summary>
    public ConcurrentBag<string> Issued { get; } = new();

    private FakeOAuthServer(WebApplication app, Uri address)
    {
        _app = app;
        BaseUrl = $"http://127.0.0.1:{address.Port}";
    }

    public static async Task<FakeOAuthServer> StartAsync()
    {
        FakeOAuthServer? server = null;
        var (app, address) = await Loopback.StartAsync(context => server!.HandleAsync(context));
        server = new FakeOAuthServer(app, address);
        return server;
    }

    /// <summary>The oauth block of a provider registered here (one redirect_uri per kind, as vendors register them).</summary>
    public OAuthConfig Config(string redirectUri, string tokenFormat = "form")
    {
        RedirectUris.Add(redirectUri);
        return new OAuthConfig
        {
            AuthorizeUrl = BaseUrl + "/authorize",
            TokenUrl = BaseUrl + "/token",
            ClientId = ClientId,
            RedirectUri = redirectUri,
            Scopes = ["openid", "email", "offline_access"],
            TokenFormat = tokenFormat,
        };
    }

    /// <summary>True for an access token this server issued that has not expired or been revoked.</summary>
    public bool IsValid(string? accessToken) => accessToken is not null && _accessTokens.TryGetValue(accessToken, out var until) && until > DateTimeOffset.UtcNow;

    public void RevokeAccessTokens() => _accessTokens.Clear();

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (context.Request.Method == "GET" && path == "/authorize")
            Authorize(context);
        else if (context.Request.Method == "POST" && path == "/token")
            await TokenAsync(context);
        else
            context.Response.StatusCode = 404;
    }

    private void Authorize(HttpContext context)
    {
        var q = context.Request.Query;
        string? problem =
            q["client_id"] != ClientId ? "unknown client_id" :
            !RedirectUris.Contains(q["redirect_uri"].ToString()) ? "redirect_uri is not registered" :
            q["response_type"] != "code" ? "response_type must be code" :
            q["code_challenge_method"] != "S256" ? "code_challenge_method must be S256" :
            string.IsNullOrEmpty(q["code_challenge"]) ? "code_challenge is required" :
            string.IsNullOrEmpty(q["state"]) ? "state is required" :
            null;
        if (problem is not null)
        {
            context.Response.StatusCode = 400;
            context.Response.WriteAsync(problem);
            return;
        }
        var code = "code-" + Random();
        Issued.Add(code);
        _codes[code] = new IssuedCode(q["code_challenge"]!, q["redirect_uri"]!, NextEmail, DateTimeOffset.UtcNow.AddMinutes(1));
        context.Response.Redirect($"{q["redirect_uri"]}?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(q["state"]!)}");
    }

    private async Task TokenAsync(HttpContext context)
    {
        var fields = await ReadFieldsAsync(context);
        if (fields is null)
        {
            await Error(context, 400, "invalid_request", $"the token endpoint takes {TokenFormat}");
            return;
        }
        if (fields.GetValueOrDefault("client_id") != ClientId)
        {
            await Error(context, 401, "invalid_client", "unknown client");
            return;
        }
        switch (fields.GetValueOrDefault("grant_type"))
        {
            case "authorization_code":
                Interlocked.Increment(ref _codeExchanges);
                var code = fields.GetValueOrDefault("code") ?? "";
                if (!_codes.TryGetValue(code, out var issued) || issued.Used || issued.Expires < DateTimeOffset.UtcNow)
                {
                    await Error(context, 400, "invalid_grant", "the code is unknown, used or expired");
                    return;
                }
                issued.Used = true;
                if (fields.GetValueOrDefault("redirect_uri") != issued.RedirectUri)
                    await Error(context, 400, "invalid_grant", "redirect_uri does not match");
                else if (Challenge(fields.GetValueOrDefault("code_verifier") ?? "") != issued.Challenge)
                    await Error(context, 400, "invalid_grant", "PKCE verification failed");
                else
                    await IssueAsync(context, issued.Email, withIdToken: true);
                return;
            case "refresh_token":
                Interlocked.Increment(ref _refreshCalls);
                await Task.Delay(RefreshDelay);
                var refresh = fields.GetValueOrDefault("refresh_token") ?? "";
                if (RefuseRefresh || !_refreshTokens.TryRemove(refresh, out var email))
                    await Error(context, 400, "invalid_grant", "refresh token is invalid or revoked");
                else
                    await IssueAsync(context, email, withIdToken: false);
                return;
            default:
                await Error(context, 400, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token");
                return;
        }
    }

    private async Task IssueAsync(HttpContext context, string email, bool withIdToken)
    {
        var access = "at-" + Random();
        var refresh = "rt-" + Random();
        var expiresIn = NextExpiresIn ?? ExpiresIn;
        NextExpiresIn = null;
        _accessTokens[access] = DateTimeOffset.UtcNow.AddSeconds(expiresIn);
        _refreshTokens[refresh] = email;
        var answer = new JsonObject { ["access_token"] = access, ["refresh_token"] = refresh, ["token_type"] = "Bearer", ["expires_in"] = expiresIn };
        if (withIdToken)
        {
            var idToken = UnsignedJwt(new JsonObject
            {
                ["email"] = email,
                ["https://api.openai.com/auth"] = new JsonObject { ["chatgpt_account_id"] = AccountId },
                ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
            });
            answer["id_token"] = idToken;
            Issued.Add(idToken);
        }
        Issued.Add(access);
        Issued.Add(refresh);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    private async Task<Dictionary<string, string>?> ReadFieldsAsync(HttpContext context)
    {
        if (context.Request.ContentType?.StartsWith("application/json") == true && TokenFormat != "form")
            return (await JsonNode.ParseAsync(context.Request.Body) as JsonObject)?.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "");
        if (context.Request.HasFormContentType && TokenFormat != "json")
            return (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        return null;
    }

    private static Task Error(HttpContext context, int status, string error, string description)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(new JsonObject { ["error"] = error, ["error_description"] = description }.ToJsonString());
    }

    public static string UnsignedJwt(JsonObject claims) =>
        $"{Base64Url.EncodeToString(Encoding.UTF8.GetBytes("""{"alg":"none","typ":"JWT"}"""))}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()))}.sig";

    private static string Challenge(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private static string Random() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(2)).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        await _app.DisposeAsync();
    }

    private sealed class IssuedCode(string challenge, string redirectUri, string email, DateTimeOffset expires)
    {
        public string Challenge { get; } = challenge;
        public string RedirectUri { get; } = redirectUri;
        public string Email { get; } = email;
        public DateTimeOffset Expires { get; } = expires;
        public bool Used { get; set; }
    }
}
