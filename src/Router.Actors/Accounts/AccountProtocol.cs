using Router.Actors.Serialization;

namespace Router.Actors.Accounts;

// Messages of AccountActor. Every command names its entity, so the shard region can route it.

public interface IAccountCommand
{
    string EntityId { get; }
}

/// <summary>
/// Tell: a lease (credential + concurrency slot) is wanted. The account answers the sender with
/// LeaseGranted or LeaseDenied carrying the same <paramref name="CorrelationId"/> (at once, or when a
/// token renewal it waits for has finished). A request whose <paramref name="Deadline"/> (UTC) has
/// passed when the account gets to it is dropped unanswered: its requester no longer waits (it sat in
/// a shard region's buffer while the account moved to another node, or behind a token renewal).
/// The sender is watched while it holds a lease: a requester that stops, or whose node leaves the
/// cluster, gives its slots back.
/// </summary>
public sealed record AcquireLease(string EntityId, long CorrelationId = 0, DateTimeOffset? Deadline = null) : IAccountCommand;

/// <summary>Tell: give the slot back and say how the call went. The account answers the sender with OutcomeRecorded.
/// <paramref name="CredentialVersion"/>: for a lease the provider's broker granted (not known to the account), the
/// version of the credential it carried, so a 401 on a token the account has replaced since is ignored.</summary>
public sealed record ReportOutcome(string EntityId, string LeaseId, CallOutcome Outcome, int? CredentialVersion = null) : IAccountCommand;

/// <summary>
/// Tell: a provider asks for what its LeaseBroker needs to lease this account on its own (AccountLoan), or
/// hears why not (LoanRefused). A token account answers once its token is fresh (after a renewal it
/// starts or waits for). An account with a slot limit lends only to a provider on its own node, whose
/// broker then takes slots from the account's SlotGate.
/// </summary>
public sealed record LendAccount(string EntityId) : IAccountCommand;

/// <summary>
/// What a provider's broker may lease an account with: its credential (API key, access token, or a relay
/// worker's id), its headers, until when (a token: its renewal margin before expiry; null: no end), and
/// which token it is (TokenExpiresAt, CredentialVersion). MaxInFlight &gt; 0: slots come from the account's SlotGate.
/// </summary>
public sealed record AccountLoan(
    string EntityId, [property: Sealed] string Credential, IReadOnlyDictionary<string, string>? AccountHeaders, bool Renewable,
    DateTimeOffset? ValidUntil, DateTimeOffset? TokenExpiresAt, int MaxInFlight, int CredentialVersion)
{
    public override string ToString() => $"AccountLoan {{ {EntityId}, until {ValidUntil:O} }}";
}

/// <summary>The account cannot be leased by a broker now (no token, not healthy), or not by this node's
/// (<paramref name="Elsewhere"/>: its slots are counted on the node where it lives).</summary>
public sealed record LoanRefused(string EntityId, string Reason, bool Elsewhere = false);

/// <summary>The account has counted (and, when it changes the account, persisted) the outcome of a lease.</summary>
public sealed record OutcomeRecorded(string LeaseId, AccountSnapshot Snapshot);

/// <summary>Tell: calls made with leases the provider granted locally (LeaseBroker) that succeeded.</summary>
public sealed record ReportSuccesses(string EntityId, int Count) : IAccountCommand;

/// <summary>Answer: AccountSnapshot. Also wakes the entity, which recovers its persisted state.</summary>
public sealed record GetAccountStatus(string EntityId) : IAccountCommand;

/// <summary>Sign in (or sign in again): store a credential; the account renews its token when it needs to.
/// Answer: AccountSnapshot once the credential is persisted. Label: the account's `{provider}#{n}` from the roster.</summary>
public sealed record StoreCredential(string EntityId, Credential Credential, string? Label = null) : IAccountCommand;

/// <summary>Sign out: forget the credential and remove its token file. Answer: AccountSnapshot.</summary>
public sealed record SignOut(string EntityId) : IAccountCommand;

/// <summary>An operator's reset: healthy again, no cooldown, no probe pending (a token account keeps its token). Answer: AccountSnapshot.</summary>
public sealed record ResetAccount(string EntityId) : IAccountCommand;

/// <summary>Tell: a relay worker's liveness (its pings): degraded while it misses them, healthy once it answers
/// again. Answer: AccountSnapshot.</summary>
public sealed record ReportLiveness(string EntityId, bool Degraded, string Reason) : IAccountCommand;

/// <summary>A credential and a slot, valid until the call reports its outcome or the lease expires.</summary>
/// <param name="AccountHeaders">Per-account headers the upstream needs besides the credential (e.g. an account id).</param>
/// <param name="Renewable">The credential is a token the account can renew: a 401 is worth one retry after renewal.</param>
public sealed record Lease(string LeaseId, string EntityId, string AccountName, [property: Sealed] string Credential,
    IReadOnlyDictionary<string, string>? AccountHeaders = null, bool Renewable = false)
{
    /// <summary>Granted by the provider's LeaseBroker from its view, not by the account itself.</summary>
    public bool Local { get; init; }

    /// <summary>A broker lease on a token: which version of the account's credential it carries (see ReportOutcome).</summary>
    public int? CredentialVersion { get; init; }

    /// <summary>A broker lease on an account with a slot limit: the gate its slot came from (node-local, never serialized).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public SlotGate? Gate { get; init; }

    // The credential must never reach a log line through a record's generated ToString.
    public override string ToString() => $"Lease {{ LeaseId = {LeaseId}, Account = {AccountName} }}";
}

/// <summary>Snapshot is null for a lease the provider's broker granted without asking the account.
/// CorrelationId is the one of the request it answers.</summary>
public sealed record LeaseGranted(Lease Lease, AccountSnapshot? Snapshot, long CorrelationId = 0);

/// <summary>The account waits for its token renewal before it answers the request with this id (the answer follows).</summary>
public sealed record LeaseDeferred(string EntityId, long CorrelationId);

/// <summary>Failed: the account's stored state cannot be read (see AccountHealth.Failed).</summary>
public enum DenyReason { CoolingDown, Unauthenticated, Busy, Unknown, Failed }

public sealed record LeaseDenied(string EntityId, DenyReason Reason, AccountSnapshot? Snapshot, long CorrelationId = 0);

/// <summary>
/// What an account tells about itself: no secrets. Version grows with every snapshot an account
/// makes (across restarts too), so a reader can drop one that arrives after a newer one.
/// Name is the account's label (`{provider}#{n}`); Identity (an email, a session id) is for the
/// management and sign-in status endpoints only. NextProbeAt: when an unauthenticated API-key
/// account tries its key again with one real call (null otherwise).
/// </summary>
public sealed record AccountSnapshot(
    string EntityId,
    string Name,
    AccountHealth Health,
    string? HealthReason,
    DateTimeOffset? CooldownUntil,
    int InFlight,
    AccountCounters Counters,
    long Version = 0,
    string? Identity = null,
    DateTimeOffset? TokenExpiresAt = null,
    DateTimeOffset? NextProbeAt = null);
