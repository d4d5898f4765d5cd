using Router.Actors.Accounts;

namespace Router.Actors.Providers;

// Messages of ProviderActor.

/// <summary>
/// Tell: a lease on one of this provider's accounts is wanted, skipping <paramref name="Excluded"/>.
/// The provider answers the sender once, with LeaseGranted or NoAccountAvailable carrying the same
/// <paramref name="CorrelationId"/>; it stops trying accounts after <paramref name="Within"/> (the
/// requester's remaining wait). <paramref name="Prefer"/> asks for one account first (the retry after
/// a 401 goes back to the account that renewed its token). A requester that no longer waits returns
/// a grant it still receives at once (CallFinished with CallOutcome.Cancelled).
/// </summary>
public sealed record RequestLease(IReadOnlySet<string> Excluded, string? Prefer = null, long CorrelationId = 0, TimeSpan? Within = null);

/// <summary>The roster changed: someone signed in (Joined) or out (Left). The provider applies it at once,
/// answers AccountsUpdated, and reads the whole roster again.</summary>
public sealed record RosterChanged(RosterMember? Joined = null, string? Left = null);

public sealed record AccountsUpdated(string Provider);

/// <summary>Why no account could take the call; RetryAt is the earliest end of a cooldown.</summary>
public sealed record NoAccountAvailable(string Provider, NoAccountReason Reason, DateTimeOffset? RetryAt = null, string? Detail = null, long CorrelationId = 0);

/// <summary>NoAnswer: no account answered within the requester's wait (a slow token renewal, an account that is down).</summary>
public enum NoAccountReason { CoolingDown, Unauthenticated, Busy, Unavailable, NoAccounts, NoAnswer }

/// <summary>Tell: the call made with a lease is over. The provider forwards it to the account.</summary>
public sealed record CallFinished(Lease Lease, CallOutcome Outcome);

/// <summary>Answer: ProviderStatus.</summary>
public sealed record GetProviderStatus
{
    public static readonly GetProviderStatus Instance = new();
}

public sealed record ProviderStatus(string Provider, string Health, IReadOnlyList<AccountSnapshot> Accounts, string? Detail = null);

/// <summary>
/// Tell: the provider is no longer served (a reload removed or replaced it). It grants no more broker
/// leases, and stops once every lease it handed out is back, or after <paramref name="DrainTimeout"/>.
/// </summary>
public sealed record RetireProvider(TimeSpan DrainTimeout);
