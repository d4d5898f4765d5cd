using Router.Actors.Accounts;
using Router.Actors.Configuration;
using Router.Actors.SignIn;
using Router.Actors.Upstreams;

namespace Router.Actors.Providers.Types;

/// <summary>
/// "LLMux": subscriptions signed in with OAuth + PKCE. Accounts come from sign-ins (one per email), their
/// tokens are renewed by timer 5 minutes before expiry and mirrored to {auth.dir}/llmux-{kind}-{email}.json.
/// </summary>
public static class LlmuxTypes
{
    public static readonly ProviderType ClaudeOAuth = Llmux("claude-oauth", "claude", null,
        (config, http) => ApiKeyTypes.AnthropicMessages(config, http, UpstreamFactory.Bearer));

    public static readonly ProviderType ChatGptOAuth = Llmux("chatgpt-oauth", "chatgpt", "chatgpt-account-id", ApiKeyTypes.Responses);

    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    private static ProviderType Llmux(string name, string kind, string? defaultAccountHeader, Func<ProviderConfig, HttpClient, IUpstream> upstream) => new()
    {
        Name = name,
        Blocks = ["oauth", "account_header"],
        RequiredBlock = "oauth",
        SignIn = SignInKind.Llmux,
        LlmuxKind = kind,
        Endpoints = [$"/v1/auth/llmux/{kind}/login", $"/v1/auth/llmux/{kind}/callback", $"/v1/auth/llmux/{kind}/status", $"/v1/auth/llmux/{kind}"],
        Upstream = upstream,
        Tokens = (config, http, authDir) => Tokens(config, http, authDir, kind, defaultAccountHeader),
    };

    private static SignInTokens? Tokens(ProviderConfig config, HttpClient http, string authDir, string kind, string? defaultAccountHeader)
    {
        if (config.OAuth is not { } oauthConfig) return null;
        var oauth = new OAuthClient(oauthConfig, http);
        var accountHeader = config.Extra.GetValueOrDefault("account_header") as string ?? defaultAccountHeader;
        return new SignInTokens(new TokenPolicy(oauth, RenewBefore, RenewByTimer: true,
            MirrorFile: c => Path.Combine(authDir, $"llmux-{kind}-{TokenFile.Sanitize(c.Identity ?? "unknown")}.json"),
            AccountHeader: accountHeader), oauth);
    }
}
