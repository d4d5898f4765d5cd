using Akka.Actor;
using Akka.Event;
using Router.Actors.Accounts;

namespace Router.Actors.Providers;

/// <summary>
/// The lease half of a provider. A request (RequestLease, with the requester's correlation id and
/// wait) goes to the best account by Tell with the provider's own correlation id; a denial moves it
/// to the next account; an account that defers (token renewal) or has not answered within
/// AccountAnswersWithin does not hold the request alone: the next account is asked too and the first
/// grant wins. An account that stays silent is asked again every AskAgainEvery while the request
/// waits (a message between nodes can be lost, e.g. to a node that has just restarted). The requester
/// gets exactly one answer; any grant nobody waits for goes straight back to its account. Outcomes
/// (CallFinished) go to the account by Tell; its judgement of a failure (OutcomeRecorded) restores the
/// account in the broker, and a failure not judged within JudgementWait is reported once more (the
/// account counts a report it has already judged only once).
/// </summary>
public sealed partial class ProviderActor
{
    // How long a lease request may take when its requester named no limit, and how long an outcome
    // report may stay unanswered before the broker stops waiting for the account's judgement.
    private static readonly TimeSpan DefaultLeaseWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan JudgementWait = TimeSpan.FromSeconds(3);
    // An account answers a lease request at once (or says it waits for its token): after this, the next account is asked too.
    private static readonly TimeSpan AccountAnswersWithin = TimeSpan.FromSeconds(1);
    // A silent account (not one that said it waits for its token) is asked again this often until the request's time is up.
    private static readonly TimeSpan AskAgainEvery = TimeSpan.FromSeconds(2);
    // Lease requests sent to accounts and not answered yet, by this actor's own correlation id.
    private readonly Dictionary<long, Asking> _asking = new();
    private long _lastAsk;
    // Failed outcomes whose judgement is awaited, by lease id.
    private readonly Dictionary<string, Judging> _judging = new();
    // A failed outcome's report is sent at most this often: again when no judgement came within JudgementWait.
    private const int ReportSends = 2;

    /// <summary>
    /// Asks the best account not asked yet for this request. With none left it answers why — unless
    /// an account it has moved on from may still grant (its token renewal is under way), then it waits.
    /// </summary>
    private void TryNext(Wanted wanted, string? prefer = null)
    {
        if (wanted.Answered) return;
        if (_service is { Health: not ProviderHealth.Healthy } service)
        {
            Answer(wanted, new NoAccountAvailable(_name, NoAccountReason.Unavailable, Detail: $"service {service.Health}: {service.Detail}"));
            return;
        }
        var within = wanted.Until - DateTime.UtcNow;
        if (within <= TimeSpan.Zero)
        {
            Answer(wanted, new NoAccountAvailable(_name, NoAccountReason.NoAnswer, Detail: "no account answered in time"));
            return;
        }
        var now = _clock();
        var choice = prefer is not null && _view.TryGetValue(prefer, out var preferred) && !wanted.Asked.Contains(prefer) && AccountChooser.IsUsable(preferred, now)
            ? preferred
            : _chooser.Choose(_view.Values.Select(a => a with { InFlight = a.InFlight + _pending.GetValueOrDefault(a.EntityId) }), wanted.Asked, now);
        if (choice is null)
        {
            if (wanted.Open == 0) Answer(wanted, WhyNone(now));
            return;
        }

        // Count the call at once, so a burst of requests spreads before the account has answered.
        _pending[choice.EntityId] = _pending.GetValueOrDefault(choice.EntityId) + 1;
        var ask = ++_lastAsk;
        _asking[ask] = new Asking(choice.EntityId, wanted);
        wanted.Asked.Add(choice.EntityId);
        wanted.Open++;
        SendAsk(ask, choice.EntityId, wanted);
        Timers.StartSingleTimer(AskKey(ask), new AccountSilent(ask), within < AccountAnswersWithin ? within : AccountAnswersWithin);
    }

    private static string AskKey(long ask) => "ask-" + ask;

    private void SendAsk(long ask, string entityId, Wanted wanted) =>
        _accounts.Tell(new AcquireLease(entityId, ask, new DateTimeOffset(wanted.Until, TimeSpan.Zero)));

    private string AccountName(string entityId) => _view.GetValueOrDefault(entityId)?.Name ?? entityId;

    /// <summary>The account this ask went to has answered (or its time is up): no longer pending.</summary>
    private Asking? Settle(long ask)
    {
        if (!_asking.Remove(ask, out var asking)) return null;
        Timers.Cancel(AskKey(ask));
        _pending[asking.EntityId]--;
        asking.Wanted.Open--;
        return asking;
    }

    private void OnGranted(LeaseGranted granted)
    {
        if (granted.Snapshot is { } snapshot) Remember(snapshot);
        if (Settle(granted.CorrelationId) is not { Wanted: { Answered: false } wanted })
        {
            // Nobody waits for this grant (the time ran out, or another account granted first): the slot goes straight back.
            _accounts.Tell(new ReportOutcome(granted.Lease.EntityId, granted.Lease.LeaseId, CallOutcome.Cancelled));
            return;
        }
        wanted.Answered = true;
        _outstanding++;
        wanted.ReplyTo.Tell(granted with { CorrelationId = wanted.CorrelationId });
    }

    private void OnDenied(LeaseDenied denied)
    {
        if (denied.Snapshot is { } snapshot) Remember(snapshot);
        if (Settle(denied.CorrelationId) is { } asking)
            TryNext(asking.Wanted);
    }

    /// <summary>The account waits for its token renewal before it can answer: ask the next one meanwhile.</summary>
    private void OnDeferred(LeaseDeferred deferred)
    {
        if (!_asking.TryGetValue(deferred.CorrelationId, out var asking)) return;
        asking.Deferred = true;
        MoveOn(deferred.CorrelationId, asking);
    }

    /// <summary>
    /// An account that has not answered soon is not waited for alone: the next account is asked too,
    /// while the first may still grant until the request's time is up (the first grant wins; any later
    /// one goes straight back). While it stays silent it is asked again under the same id: the request
    /// or its answer may have been lost between nodes, and a second grant for one ask goes back too.
    /// </summary>
    private void OnSilent(AccountSilent silent)
    {
        if (!_asking.TryGetValue(silent.Ask, out var asking)) return;
        if (asking.Wanted.Answered || asking.Wanted.Until <= DateTime.UtcNow)
        {
            Settle(silent.Ask);
            TryNext(asking.Wanted);
            return;
        }
        if (!asking.MovedOn)
        {
            _log.Warning("Provider {0}: account {1} has not answered a lease request yet; asking the next one too", _name, AccountName(asking.EntityId));
            MoveOn(silent.Ask, asking);
            return;
        }
        if (!asking.Deferred)
        {
            _log.Debug("Provider {0}: asking account {1} again", _name, asking.EntityId);
            SendAsk(silent.Ask, asking.EntityId, asking.Wanted);
        }
        LookAgainLater(silent.Ask, asking);
    }

    private void MoveOn(long ask, Asking asking)
    {
        if (asking.MovedOn) return;
        asking.MovedOn = true;
        LookAgainLater(ask, asking);
        TryNext(asking.Wanted);
    }

    /// <summary>
    /// Looks at an ask that has moved on again when the request's time is up, or (a silent account, which
    /// is asked again then) after AskAgainEvery if that comes first.
    /// </summary>
    private void LookAgainLater(long ask, Asking asking)
    {
        var left = asking.Wanted.Until - DateTime.UtcNow;
        if (left < TimeSpan.Zero) left = TimeSpan.Zero;
        Timers.StartSingleTimer(AskKey(ask), new AccountSilent(ask), asking.Deferred || left < AskAgainEvery ? left : AskAgainEvery);
    }

    private static void Answer(Wanted wanted, NoAccountAvailable none)
    {
        wanted.Answered = true;
        wanted.ReplyTo.Tell(none with { CorrelationId = wanted.CorrelationId });
    }

    private void OnCallFinished(CallFinished f)
    {
        // Successes counted by the broker happened before this outcome: the account hears them first.
        if (_broker?.TakeSuccesses(f.Lease.EntityId) is > 0 and var earlier)
            _accounts.Tell(new ReportSuccesses(f.Lease.EntityId, earlier));
        if (!f.Lease.Local) _outstanding = Math.Max(0, _outstanding - 1);
        if (!f.Lease.Local && _view.TryGetValue(f.Lease.EntityId, out var view))
            _view[f.Lease.EntityId] = view with { InFlight = Math.Max(0, view.InFlight - 1) };
        var report = new ReportOutcome(f.Lease.EntityId, f.Lease.LeaseId, f.Outcome, f.Lease.CredentialVersion);
        _accounts.Tell(report);
        if (f.Lease.Local && f.Outcome.Kind == OutcomeKind.Unauthorized) TokenRefused(f.Lease);
        if (LeaseBroker.Withdraws(f.Outcome))
        {
            // The account's judgement is awaited: without it in time the report goes again (a message to an account
            // that is moving to another node can be lost, and with it a cooldown). A requester that withdrew the account
            // from the broker has it restored once the account has judged.
            _judging[f.Lease.LeaseId] = new Judging(report);
            Timers.StartSingleTimer(JudgeKey(f.Lease.LeaseId), new JudgementOverdue(f.Lease.LeaseId), JudgementWait);
        }
    }

    private static string JudgeKey(string leaseId) => "judge-" + leaseId;

    private void OnJudgementOverdue(JudgementOverdue overdue)
    {
        if (!_judging.TryGetValue(overdue.LeaseId, out var judging)) return;
        if (judging.Sent >= ReportSends)
        {
            Judged(overdue.LeaseId, null);
            return;
        }
        _log.Warning("Provider {0}: account {1} has not judged an outcome yet; reporting it again", _name, AccountName(judging.Report.EntityId));
        judging.Sent++;
        _accounts.Tell(judging.Report);
        Timers.StartSingleTimer(JudgeKey(overdue.LeaseId), overdue, JudgementWait);
    }

    /// <summary>The account has judged an outcome (or did not in time): the broker may lease it again if the view says so.</summary>
    private void Judged(string leaseId, AccountSnapshot? snapshot)
    {
        if (snapshot is not null) Remember(snapshot);
        if (!_judging.Remove(leaseId, out var judging)) return;
        Timers.Cancel(JudgeKey(leaseId));
        _broker?.Restore(judging.Report.EntityId);
        PublishReady();
    }

    /// <summary>A failed outcome reported to its account, and how often the report has been sent.</summary>
    private sealed class Judging(ReportOutcome report)
    {
        public ReportOutcome Report { get; } = report;
        public int Sent { get; set; } = 1;
    }

    /// <summary>
    /// A lease request as the provider works on it: who waits, under which id, until when; the
    /// accounts asked (or excluded) so far, how many of them may still answer, and whether the
    /// requester has had its one answer.
    /// </summary>
    private sealed class Wanted(IActorRef replyTo, long correlationId, IEnumerable<string> excluded, DateTime until)
    {
        public IActorRef ReplyTo { get; } = replyTo;
        public long CorrelationId { get; } = correlationId;
        public DateTime Until { get; } = until;
        public HashSet<string> Asked { get; } = new(excluded);
        public int Open { get; set; }
        public bool Answered { get; set; }
    }

    /// <summary>A lease request sent to one account on behalf of a Wanted; MovedOn once the next account was asked too.</summary>
    private sealed class Asking(string entityId, Wanted wanted)
    {
        public string EntityId { get; } = entityId;
        public Wanted Wanted { get; } = wanted;
        public bool MovedOn { get; set; }
        // The account said it waits for its token: it will answer, and is not asked again.
        public bool Deferred { get; set; }
    }

    private sealed record AccountSilent(long Ask);

    private sealed record JudgementOverdue(string LeaseId);
}
