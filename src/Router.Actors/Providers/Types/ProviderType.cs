using Router.Actors.Accounts;
using Router.Actors.Configuration;
using Router.Actors.Relay;
using Router.Actors.SignIn;
using Router.Actors.Upstreams;

namespace Router.Actors.Providers.Types;

/// <summary>How the accounts of a provider type come to be.</summary>
public enum SignInKind
{
    /// <summary>Each configured api key is an account (or one keyless account).</summary>
    None,
    /// <summary>Subscription sign-in over OAuth + PKCE: /v1/auth/llmux/{kind}/*.</summary>
    Llmux,
    /// <summary>A Clerk session cookie (config or POST /v1/auth/ctonew) renewed into short-lived JWTs.</summary>
    CtoNew,
    /// <summary>Browser workers that connect over the /v1/ws relay.</summary>
    AiStudioRelay,
}

/// <summary>The token policy a signing-in type's accounts follow, and the OAuth client that signs one in (LLMux).</summary>
public sealed record SignInTokens(TokenPolicy Policy, OAuthClient? OAuth = null);

/// <summary>
/// One provider type (the value of a provider's <c>type:</c> key): the config blocks it takes, how it
/// calls upstream, how its accounts come to be and what the router must serve for it.
/// Every type is registered in <see cref="ProviderTypes"/>.
/// </summary>
public sealed record ProviderType
{
    public required string Name { get; init; }

    /// <summary>Keys only this type takes, beyond the keys every provider block has (e.g. oauth, clerk).</summary>
    public IReadOnlyList<string> Blocks { get; init; } = [];

    /// <summary>A block an enabled provider of this type cannot do without.</summary>
    public string? RequiredBlock { get; init; }

    /// <summary>base_url when the block leaves it out; null = the block must give one (unless <see cref="NeedsBaseUrl"/> is false).</summary>
    public string? DefaultBaseUrl { get; init; }

    /// <summary>False for types that call no HTTP upstream of their own (echo, the relay).</summary>
    public bool NeedsBaseUrl { get; init; } = true;

    /// <summary>False when an account needs no credential: one keyless account serves when api_keys is empty.</summary>
    public bool NeedsKey { get; init; } = true;

    public SignInKind SignIn { get; init; }

    /// <summary>"claude" or "chatgpt" for the LLMux types: the {kind} of /v1/auth/llmux/{kind}/ and of token file names.</summary>
    public string? LlmuxKind { get; init; }

    /// <summary>`router install` provides a browser for this type's workers.</summary>
    public bool NeedsBrowser { get; init; }

    /// <summary>The HTTP routes this type's sign-in or workers use (besides inference), as documented in docs/http-api.md.</summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>The upstream of a provider of this type; null = registered but not served by this build yet.</summary>
    public Func<ProviderConfig, HttpClient, IUpstream>? Upstream { get; init; }

    /// <summary>The token policy of a signing-in type, from its config, an HTTP client and auth.dir; null for key-based types or a block left out.</summary>
    public Func<ProviderConfig, HttpClient, string, SignInTokens?> Tokens { get; init; } = (_, _, _) => null;

    /// <summary>The upstream of a type whose calls go to workers connected over the WebSocket relay (aistudio), from its config and this node's hub.</summary>
    public Func<ProviderConfig, RelayHub, IUpstream>? RelayUpstream { get; init; }

    public bool Served => Upstream is not null || RelayUpstream is not null;

    public override string ToString() => Name;
}
