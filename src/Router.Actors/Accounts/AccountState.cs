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

/// <summary>An unauthenticated API-key account tries its key again at <paramref name="At"/>; the wait after that doubles.</summary>
public sealed record ProbeScheduled(DateTimeOffset At, TimeSpan Backoff) : IAccountEvent;

/// <summary>A signed-in account learned its label (`{provider}#{n}`) from the roster.</summary>
public sealed record AccountLabelled(string Label) : IAccountEvent;

/// <summary>An operator reset the account: healthy, no cooldown, no probe pending.</summary>
public sealed record AccountReset(string Reason) : IAccountEvent;

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
    /// <summary>A signed-in account's label, given by the roster (API-key accounts take theirs from config).</summary>
    public string? Label { get; init; }
    /// <summary>When an unauthenticated API-key account may try its key again (one call, the probe).</summary>
    public DateTimeOffset? NextProbeAt { get; init; }
    /// <summary>The wait that led to <see cref="NextProbeAt"/>: a refused probe waits twice as long.</summary>
    public TimeSpan? ProbeBackoff { get; init; }

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
            NextProbeAt = h.Health == AccountHealth.Unauthenticated ? NextProbeAt : null,
            ProbeBackoff = h.Health == AccountHealth.Unauthenticated ? ProbeBackoff : null,
        },
        ProbeScheduled p => this with { NextProbeAt = p.At, ProbeBackoff = p.Backoff },
        AccountLabelled l => this with { Label = l.Label },
        AccountReset r => this with
        {
            Health = AccountHealth.Healthy, HealthReason = r.Reason, DegradedUntil = null, CooldownUntil = null,
            ConsecutiveFailures = 0, NextProbeAt = null, ProbeBackoff = null,
        },
        _ => this,
    };

    /// <summary>The state transitions an outcome causes (usually none), to be persisted.</summary>
    /// <param name="probeAfter">The first wait before an API-key account refused with 401/403 tries its key again
    /// (doubling up to <see cref="LongestProbeWait"/>); null for accounts that renew their own token instead.</param>
    public IReadOnlyList<IAccountEvent> Decide(CallOutcome outcome, DateTimeOffset now, TimeSpan defaultCooldown, TimeSpan? probeAfter = null) => outcome.Kind switch
    {
        OutcomeKind.Success when Health != AccountHealth.Healthy => [new HealthChanged(AccountHealth.Healthy, "upstream answered")],
        OutcomeKind.RateLimited => [new CooldownStarted(now + (outcome.RetryAfter ?? defaultCooldown), outcome.Detail ?? "upstream answered 429")],
        OutcomeKind.Unauthorized when Health != AccountHealth.Unauthenticated => probeAfter is { } first
            ? [new HealthChanged(AccountHealth.Unauthenticated, outcome.Detail ?? "upstream refused the credential"), new ProbeScheduled(now + first, first)]
            : [new HealthChanged(AccountHealth.Unauthenticated, outcome.Detail ?? "upstream refused the credential")],
        OutcomeKind.Unauthorized when probeAfter is not null && NextWait(probeAfter.Value) is var wait =>
            [new ProbeScheduled(now + wait, wait)],
        OutcomeKind.Transient when ConsecutiveFailures + 1 >= DegradeAfterFailures && Health == AccountHealth.Healthy =>
            [new HealthChanged(AccountHealth.Degraded, outcome.Detail ?? "repeated upstream failures", now + DegradedFor)],
        OutcomeKind.Transient when Health == AccountHealth.Degraded =>
            [new HealthChanged(AccountHealth.Degraded, outcome.Detail ?? "repeated upstream failures", now + DegradedFor)],
        _ => [],
    };

    /// <summary>The longest wait between two probes of an unauthenticated API-key account.</summary>
    public static readonly TimeSpan LongestProbeWait = TimeSpan.FromHours(1);

    /// <summary>True when an unauthenticated account may spend one call trying its key again.</summary>
    public bool ProbeDue(DateTimeOffset now) => Health == AccountHealth.Unauthenticated && NextProbeAt is { } at && at <= now;

    /// <summary>The wait after a refused probe: twice the last one, at most <see cref="LongestProbeWait"/>.</summary>
    private TimeSpan NextWait(TimeSpan first)
    {
        var doubled = (ProbeBackoff ?? first / 2) * 2;
        return doubled < first ? first : doubled > LongestProbeWait ? LongestProbeWait : doubled;
    }

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
