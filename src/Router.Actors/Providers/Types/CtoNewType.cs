using Router.Actors.Accounts;
using Router.Actors.SignIn;
using Router.Actors.Upstreams;

namespace Router.Actors.Providers.Types;

/// <summary>ctonew: EngineLabs reached with JWTs minted from a Clerk session (clerk.cookie or POST /v1/auth/ctonew).</summary>
public static class CtoNewType
{
    public static readonly ProviderType Type = new()
    {
        Name = "ctonew",
        Blocks = ["clerk"],
        RequiredBlock = "clerk",
        SignIn = SignInKind.CtoNew,
        Endpoints = ["/v1/auth/ctonew", "/v1/auth/ctonew/status"],
        Upstream = (config, http) => new CtoNewUpstream(config, http),
        Tokens = (config, http, _) => config.Clerk is { } clerk
            ? new SignInTokens(new TokenPolicy(new ClerkSession(clerk, http), ClerkSession.RenewBefore, RenewByTimer: false))
            : null,
    };
}
