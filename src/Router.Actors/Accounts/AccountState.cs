namespace Router.Actors.Accounts;

// The durable part of an account and the rules that change it. Pure: AccountActor persists the
// events Decide returns and applies them; tests drive the rules without actors.

public interface IAccountEvent;

public sealed record CooldownStarted(DateTimeOffset Until, string Reason) : IAccountEvent;

public sealed record HealthChanged(AccountHealth Health, string Reason, DateTimeOffset? Until = null) : IAccountEvent;

/// <summary>A sign-in or a renewal stored a new credential (accounts that sign in only).</summary>
public sealed record CredentialStored(Credential Credential) : IAccountEvent;

/// <summary>The user signed the account out: its credential is gone.</summary>
public sealed record SignedOut(string Reason) : IAccountEvent;

public sealed record AccountCounters(long Requests = 0, long Succeeded = 0, long Failed = 0, long RateLimited = 0);

public sealed record AccountState
{
    /// <summary>Consecutive transient failures that mark an account degraded.</summary>
    public const int DegradeAfterFailures = 3;

    /// <summary>How long a degraded account stays degraded without a new failure before it is tried as healthy.</summary>
    public static readonly TimeSpan DegradedFor = TimeSpan.FromSeconds(60);

    public AccountHealth Health { get; init; } = AccountHealth.Healthy;
    public string? HealthReason { get; init; }
    public DateTimeOffset? DegradedUntil { get; init; }
    public DateTimeOffset? CooldownUntil { get; init; }
    public int ConsecutiveFailures { get; init; }
    public AccountCounters Counters { get; init; } = new();
    /// <summary>The signed-in credential (null for API-key accounts, which take theirs from config).</summary>
    public Credential? Credential { get; init; }
    public bool IsSignedOut { get; init; }

    /// <summary>Health as it stands at <paramref name="now"/>: a degraded spell ends by itself.</summary>
    public AccountHealth EffectiveHealth(DateTimeOffset now) =>
        Health == AccountHealth.Degraded && DegradedUntil is { } until && now >= until ? AccountHealth.Healthy : Health;

    public bool IsCoolingDown(DateTimeOffset now) => CooldownUntil is { } until && until > now;

    public AccountState Apply(IAccountEvent e) => e switch
    {
        CooldownStarted c => this with { CooldownUntil = c.Until },
        CredentialStored c => this with { Credential = c.Credential, IsSignedOut = false },
        SignedOut s => this with { Credential = null, IsSignedOut = true, Health = AccountHealth.Unauthenticated, HealthReason = s.Reason },
        HealthChanged h => this with
        {
            Health = h.Health,
            HealthReason = h.Reason,
            DegradedUntil = h.Health == AccountHealth.Degraded ? h.Until : null,
            ConsecutiveFailures = h.Health == AccountHealth.Healthy ? 0 : ConsecutiveFailures,
        },
        _ => this,
    };

    /// <summary>The state transitions an outcome causes (usually none), to be persisted.</summary>
    public IReadOnlyList<IAccountEvent> Decide(CallOutcome outcome, DateTimeOffset now, TimeSpan defaultCooldown) => outcome.Kind switch
    {
        OutcomeKind.Success when Health != AccountHealth.Healthy => [new HealthChanged(AccountHealth.Healthy, "upstream answered")],
        OutcomeKind.RateLimited => [new CooldownStarted(now + (outcome.RetryAfter ?? defaultCooldown), outcome.Detail ?? "upstream answered 429")],
        OutcomeKind.Unauthorized when Health != AccountHealth.Unauthenticated =>
            [new HealthChanged(AccountHealth.Unauthenticated, outcome.Detail ?? "upstream refused the credential")],
        OutcomeKind.Transient when ConsecutiveFailures + 1 >= DegradeAfterFailures && Health == AccountHealth.Healthy =>
            [new HealthChanged(AccountHealth.Degraded, outcome.Detail ?? "repeated upstream failures", now + DegradedFor)],
        OutcomeKind.Transient when Health == AccountHealth.Degraded =>
            [new HealthChanged(AccountHealth.Degraded, outcome.Detail ?? "repeated upstream failures", now + DegradedFor)],
        _ => [],
    };

    /// <summary>A batch of successes of leases the provider granted on its own (only for healthy accounts).</summary>
    public AccountState CountSuccesses(int count) =>
        this with { ConsecutiveFailures = 0, Counters = Counters with { Requests = Counters.Requests + count, Succeeded = Counters.Succeeded + count } };

    /// <summary>Counters and the failure streak: in memory, saved by snapshot, never one event per request.</summary>
    public AccountState Count(CallOutcome outcome) => outcome.Kind switch
    {
        OutcomeKind.Success => this with { ConsecutiveFailures = 0, Counters = Counters with { Requests = Counters.Requests + 1, Succeeded = Counters.Succeeded + 1 } },
        OutcomeKind.RateLimited => this with { Counters = Counters with { Requests = Counters.Requests + 1, RateLimited = Counters.RateLimited + 1 } },
        OutcomeKind.Transient => this with { ConsecutiveFailures = ConsecutiveFailures + 1, Counters = Counters with { Requests = Counters.Requests + 1, Failed = Counters.Failed + 1 } },
        OutcomeKind.Unauthorized => this with { Counters = Counters with { Requests = Counters.Requests + 1, Failed = Counters.Failed + 1 } },
        _ => this with { Counters = Counters with { Requests = Counters.Requests + 1 } },
    };
}
