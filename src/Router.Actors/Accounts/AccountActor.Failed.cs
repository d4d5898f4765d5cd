using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace Router.Actors.Accounts;

/// <summary>
/// An account whose stored rows cannot be read (a corrupt row, a type this version cannot read) is
/// failed: one error line names its label and persistence id, its status and health say why, it
/// grants no lease, and the rest of the router serves on. Its supervisor restarts it once; that
/// incarnation skips recovery and stays failed (it writes nothing, so the stored rows stay as they
/// are for repair). An operator's reset tries recovery again.
/// </summary>
public sealed partial class AccountActor
{
    private string? _unreadable;

    public override Recovery Recovery => _unreadable is null ? base.Recovery : Recovery.None;

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        var why = reason.GetBaseException().Message;
        _log.Error("Account {0} (persistence id {1}) is failed: its stored journal or snapshot cannot be read ({2}). " +
                   "It serves no requests until the row is repaired; every other account keeps serving.", _spec.Name, PersistenceId, why);
        UnreadableJournals.For(Context.System).Mark(PersistenceId, why);
    }

    /// <summary>True (and the account serves as failed) when an earlier incarnation could not read its rows.</summary>
    private bool ServeAsFailed()
    {
        if (_unreadable is null) return false;
        _state = new AccountState { Health = AccountHealth.Failed, HealthReason = $"stored state cannot be read: {_unreadable}" };
        Become(Failed);
        Announce();
        return true;
    }

    private void Failed()
    {
        Command<AcquireLease>(a => Sender.Tell(new LeaseDenied(_spec.EntityId, DenyReason.Failed, Snapshot(), a.CorrelationId)));
        Command<ReportOutcome>(r => Sender.Tell(new OutcomeRecorded(r.LeaseId, Snapshot())));
        Command<ResetAccount>(_ =>
        {
            // Try again: the next incarnation recovers from the journal.
            UnreadableJournals.For(Context.System).Clear(PersistenceId);
            Sender.Tell(Snapshot());
            Context.Stop(Self);
        });
        Command<SaveSnapshotSuccess>(_ => { });
        CommandAny(_ => Sender.Tell(Snapshot()));
    }
}
