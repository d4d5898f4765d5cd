using Router.Actors.Serialization;

namespace Router.Actors.Accounts;

/// <summary>
/// What a signed-in account holds: the long-lived secret (an OAuth refresh token, a Clerk session
/// cookie) and the short-lived access token made from it. Persisted by the account, never logged.
/// </summary>
/// <param name="Secret">Refresh token (OAuth) or session cookie (Clerk): what renews the access token.</param>
/// <param name="AccessToken">What upstream calls carry; null until the first renewal.</param>
/// <param name="ObtainedAt">When the access token was issued (its lifetime bounds the renewal margin).</param>
/// <param name="Identity">Who the account is: an email, or a session label. Not a secret.</param>
/// <param name="AccountId">A vendor account id sent in the provider's account header (ChatGPT).</param>
public sealed record Credential(
    [property: Sealed] string Secret,
    [property: Sealed] string? AccessToken = null,
    DateTimeOffset? ExpiresAt = null,
    DateTimeOffset? ObtainedAt = null,
    string? Identity = null,
    string? AccountId = null)
{
    public override string ToString() => $"Credential {{ Identity = {Identity}, ExpiresAt = {ExpiresAt:O} }}";

    /// <summary>How long before expiry to renew: the policy's margin, or half the token's life when that is shorter.</summary>
    public TimeSpan Margin(TimeSpan renewBefore) =>
        ExpiresAt is { } exp && ObtainedAt is { } got && (exp - got) / 2 < renewBefore ? (exp - got) / 2 : renewBefore;

    /// <summary>True when the access token is missing or inside its renewal margin.</summary>
    public bool NeedsRenewal(DateTimeOffset now, TimeSpan renewBefore) =>
        AccessToken is null || (ExpiresAt is { } exp && now >= exp - Margin(renewBefore));

    public bool IsExpired(DateTimeOffset now) => AccessToken is null || (ExpiresAt is { } exp && now >= exp);
}

/// <summary>How a renewal went: a new credential, a refusal (sign in again), or a failure worth retrying.</summary>
public abstract record RenewOutcome
{
    /// <summary>How much of a token server's own message a reason keeps.</summary>
    public const int ReasonLength = 160;
}

public sealed record Renewed(Credential Credential) : RenewOutcome;

/// <summary>The token server refused the secret (revoked, expired, malformed): the account needs a new sign-in.</summary>
public sealed record RenewRefused(string Reason) : RenewOutcome;

/// <summary>The token server could not be reached or failed: the account retries later.</summary>
public sealed record RenewFailed(string Reason) : RenewOutcome;

/// <summary>Turns an account's secret into a fresh access token (OAuth refresh grant, Clerk token exchange).</summary>
public interface ITokenRenewer
{
    Task<RenewOutcome> RenewAsync(Credential current, CancellationToken cancellationToken);
}

/// <summary>
/// How an account that signs in keeps its token: who renews it, how long before expiry, whether a
/// timer renews it ahead of time (OAuth) or the next call does (Clerk JWTs), where the token file
/// mirror lives, and which header carries the vendor account id.
/// </summary>
public sealed record TokenPolicy(
    ITokenRenewer Renewer,
    TimeSpan RenewBefore,
    bool RenewByTimer,
    Func<Credential, string>? MirrorFile = null,
    string? AccountHeader = null)
{
    public static readonly TimeSpan RetryFailedRenewalAfter = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan RenewalTimeout = TimeSpan.FromSeconds(30);
}
