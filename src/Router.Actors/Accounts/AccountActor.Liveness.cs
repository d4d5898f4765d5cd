using Akka.Actor;
using Akka.Event;

namespace Router.Actors.Accounts;

/// <summary>The liveness of an account whose upstream is a connected worker (the relay measures it with pings).</summary>
public sealed partial class AccountActor
{
    private void OnLiveness(ReportLiveness report)
    {
        var replyTo = Sender;
        var now = _clock();
        var current = _state.EffectiveHealth(now);
        IAccountEvent? change = report.Degraded
            ? current == AccountHealth.Healthy ? new HealthChanged(AccountHealth.Degraded, report.Reason, now + AccountState.DegradedFor) : null
            : current == AccountHealth.Degraded ? new HealthChanged(AccountHealth.Healthy, report.Reason) : null;
        if (change is null)
        {
            replyTo.Tell(Snapshot());
            return;
        }
        Persist(change, e =>
        {
            _state = _state.Apply(e);
            _log.Warning("Account {0}: {1}", _spec.Name, Describe(e));
            Announce();
            replyTo.Tell(Snapshot());
        });
    }
}
