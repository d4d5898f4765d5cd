using Akka.Actor;
using Akka.Event;

namespace Router.Actors.Accounts;

/// <summary>
/// How an API-key account refused with 401/403 heals: it stays unauthenticated, but when its probe is
/// due (1 min after the refusal by default, then twice the last wait, at most an hour) it grants exactly
/// one lease: a real call that tests the key. Success makes it healthy; another refusal schedules the
/// next probe. A restarted router probes a recovered unauthenticated account at once (the key may have
/// been fixed meanwhile). An operator can also reset an account (ResetAccount). Accounts that sign in
/// follow their own renewal rules and never probe; a reset only clears their health.
/// </summary>
public sealed partial class AccountActor
{
    // The lease of the probe in flight: while it runs, the account grants no other.
    private string? _probeLease;

    private bool Probes => _spec.Tokens is null && _spec.ProbeAfter is not null;

    private bool ProbeAllowed(DateTimeOffset now) => Probes && _state.ProbeDue(now) && !ProbeInFlight;

    private bool ProbeInFlight => _probeLease is { } lease && _leases.ContainsKey(lease);

    /// <summary>A lease granted to an unauthenticated account is its probe.</summary>
    private void NoteProbe(string leaseId)
    {
        if (_state.Health != AccountHealth.Unauthenticated) return;
        _probeLease = leaseId;
        _log.Info("Account {0}: trying its key again with one call", _spec.Name);
    }

    /// <summary>When the next probe may run, as snapshots show it: null when the account does not probe, or
    /// while its probe runs (so providers do not pick it meanwhile).</summary>
    private DateTimeOffset? NextProbe() =>
        Probes && _state.Health == AccountHealth.Unauthenticated && !ProbeInFlight ? _state.NextProbeAt : null;

    /// <summary>After a restart, an unauthenticated API-key account may probe at once (kept in memory:
    /// the persisted backoff still doubles if the key is refused again).</summary>
    private void ProbeAtStart()
    {
        if (Probes && _state.Health == AccountHealth.Unauthenticated)
            _state = _state with { NextProbeAt = _clock() };
    }

    private void OnReset()
    {
        var replyTo = Sender;
        if (_state.IsSignedOut)
        {
            replyTo.Tell(Snapshot()); // nothing to reset: it needs a sign-in
            return;
        }
        _renewedAfter401 = false;
        Persist(new AccountReset("reset by an operator"), e =>
        {
            _state = _state.Apply(e);
            _log.Warning("Account {0}: {1}", _spec.Name, e.Reason);
            Announce();
            replyTo.Tell(Snapshot());
        });
    }
}
