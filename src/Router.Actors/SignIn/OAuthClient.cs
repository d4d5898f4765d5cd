using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Actors.Accounts;
using Router.Actors.Configuration;
using Router.Protocols.Json;

namespace Router.Actors.SignIn;

/// <summary>What a code exchange gave: the account's credential, or why there is none (safe to show).</summary>
public sealed record SignInResult(Credential? Credential, string? Error);

/// <summary>
/// The OAuth 2.0 client of one claude-oauth / chatgpt-oauth provider: builds the authorization URL
/// (PKCE S256), exchanges a code for tokens, learns the email (id_token, the token answer, or
/// userinfo), and renews tokens with the refresh grant. Every URL and id comes from config.
/// </summary>
public sealed class OAuthClient(OAuthConfig config, HttpClient http, Func<DateTimeOffset>? clock = null) : ITokenRenewer
{
    private const string ChatGptAuthClaim = "https://api.openai.com/auth";
    private readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.UtcNow);

    public string AuthorizeUrl(string state, string challenge)
    {
        var query = new List<KeyValuePair<string, string>>
        {
            new("response_type", "code"),
            new("client_id", config.ClientId),
            new("redirect_uri", config.RedirectUri),
            new("scope", string.Join(' ', config.Scopes)),
            new("state", state),
            new("code_challenge", challenge),
            new("code_challenge_method", "S256"),
        };
        query.AddRange(config.AuthorizeParams);
        var separator = config.AuthorizeUrl.Contains('?') ? "&" : "?";
        return config.AuthorizeUrl + separator + string.Join("&", query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
    }

    public async Task<SignInResult> ExchangeCodeAsync(string code, string verifier, string state, CancellationToken cancellationToken)
    {
        var answer = await PostAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = config.RedirectUri,
            ["client_id"] = config.ClientId,
            ["code_verifier"] = verifier,
            ["state"] = state,
        }, cancellationToken);
        if (answer.Tokens is null)
            return new SignInResult(null, $"the token endpoint refused the code: {answer.Problem}");

        var credential = ToCredential(answer.Tokens, previous: null);
        if (credential.Identity is null && config.UserinfoUrl is not null)
            credential = credential with { Identity = await UserinfoEmailAsync(credential.AccessToken!, cancellationToken) };
        return credential.Identity is null
            ? new SignInResult(null, "the token answer carries no email (no id_token email claim; set oauth.userinfo_url)")
            : new SignInResult(credential, null);
    }

    public async Task<RenewOutcome> RenewAsync(Credential current, CancellationToken cancellationToken)
    {
        var answer = await PostAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = current.Secret,
            ["client_id"] = config.ClientId,
        }, cancellationToken);
        return answer switch
        {
            { Tokens: { } tokens } => new Renewed(ToCredential(tokens, current)),
            { Refused: true } => new RenewRefused(answer.Problem!),
            _ => new RenewFailed(answer.Problem!),
        };
    }

    private Credential ToCredential(JsonObject tokens, Credential? previous)
    {
        var now = _clock();
        var claims = Jwt.Payload(Jwt.StringClaim(tokens, "id_token"));
        var expiresIn = tokens["expires_in"] is JsonValue v && v.TryGetValue<double>(out var seconds) ? seconds : 3600;
        return new Credential(
            Secret: Jwt.StringClaim(tokens, "refresh_token") ?? previous?.Secret ?? "",
            AccessToken: Jwt.StringClaim(tokens, "access_token"),
            ExpiresAt: now.AddSeconds(expiresIn),
            ObtainedAt: now,
            Identity: Jwt.StringClaim(claims, "email") ?? Jwt.StringClaim(tokens["account"] as JsonObject, "email_address") ?? previous?.Identity,
            AccountId: Jwt.StringClaim(claims?[ChatGptAuthClaim] as JsonObject, "chatgpt_account_id")
                ?? Jwt.StringClaim(claims, "chatgpt_account_id") ?? previous?.AccountId);
    }

    private async Task<string?> UserinfoEmailAsync(string accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, config.UserinfoUrl);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken) is { } info
                ? Jwt.StringClaim(info, "email")
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException)
        {
            return null;
        }
    }

    private readonly record struct TokenAnswer(JsonObject? Tokens, bool Refused, string? Problem);

    /// <summary>POSTs to the token endpoint as form (RFC 6749) or JSON, per oauth.token_format.</summary>
    private async Task<TokenAnswer> PostAsync(Dictionary<string, string> fields, CancellationToken cancellationToken)
    {
        HttpContent content = config.TokenFormat == "json" ? JsonContent.Create(fields) : new FormUrlEncodedContent(fields);
        using var request = new HttpRequestMessage(HttpMethod.Post, config.TokenUrl) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var body = JsonRead.TryParse(text) as JsonObject;
            if (response.IsSuccessStatusCode && Jwt.StringClaim(body, "access_token") is not null)
                return new TokenAnswer(body, false, null);
            var status = (int)response.StatusCode;
            var problem = $"HTTP {status}" + (Jwt.StringClaim(body, "error") is { } error ? $" {error}" : "")
                + (Jwt.StringClaim(body, "error_description") is { } description ? $": {JsonRead.Shorten(description, RenewOutcome.ReasonLength)}" : "");
            return new TokenAnswer(null, status is >= 400 and < 500 && status != 429, problem);
        }
        catch (HttpRequestException e)
        {
            return new TokenAnswer(null, false, $"the token endpoint is unreachable ({e.HttpRequestError})");
        }
    }

}
