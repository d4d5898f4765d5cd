namespace Router.Actors.Configuration;

// Typed provider blocks for accounts that sign in (docs/configuration.md). Every URL, client id
// and scope is configuration: the router ships no vendor's client details.

/// <summary>`oauth:` of claude-oauth / chatgpt-oauth: an authorization-code flow with PKCE S256.</summary>
public sealed record OAuthConfig
{
    public required string AuthorizeUrl { get; init; }
    public required string TokenUrl { get; init; }
    public required string ClientId { get; init; }
    public required string RedirectUri { get; init; }
    public IReadOnlyList<string> Scopes { get; init; } = [];
    /// <summary>`userinfo_url`: asked for the email when the id_token has none.</summary>
    public string? UserinfoUrl { get; init; }
    /// <summary>`token_format`: how the token endpoint takes its parameters: form (RFC 6749) or json.</summary>
    public string TokenFormat { get; init; } = "form";
    /// <summary>`authorize_params`: extra query parameters some vendors want on the authorize URL.</summary>
    public IReadOnlyDictionary<string, string> AuthorizeParams { get; init; } = new Dictionary<string, string>();

    public override string ToString() => $"OAuthConfig {{ TokenUrl = {TokenUrl} }}";
}

/// <summary>`clerk:` of ctonew: where the session's rotating token is exchanged for a JWT.</summary>
public sealed record ClerkConfig
{
    public required string TokenUrl { get; init; }
    /// <summary>`cookie`: an optional session from config (usually `${ENV}`); a secret.</summary>
    public string Cookie { get; init; } = "";

    public override string ToString() => $"ClerkConfig {{ TokenUrl = {TokenUrl}, Cookie = {(Cookie.Length > 0 ? "set" : "none")} }}";
}
