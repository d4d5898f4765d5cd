using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using Akka.Persistence;
using Router.Actors.Telemetry;
using Router.Actors.ClusterState;

namespace Router.Actors.Accounts;

/// <summary>
/// One upstream account (an API key, or a signed-in identity): owns its credential, concurrency slots,
/// cooldown and health; an account that signs in also owns and renews its token (AccountActor.Tokens.cs).
/// A Cluster Sharding entity, so there is one owner per account on 1..N nodes. State transitions
/// are persisted as events; counters ride along in periodic snapshots. The upstream HTTP call never
/// runs here: the account hands out a lease and hears back the outcome.
/// </summary>
public sealed partial class AccountActor : ReceivePersistentActor, IWithTimers
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SnapshotEvery = TimeSpan.FromSeconds(30);

    private AccountSpec _spec; // its Name changes once: when a signed-in account learns its label
    private readonly TimeSpan _leaseLifetime;
    private readonly Func<DateTimeOffset> _clock;
    private readonly Dictionary<string, LeaseRecord> _leases = new();
    // The lease ids of the outcomes judged lately, so a report that comes twice counts once.
    private readonly RecentIds _judged = new(256);
    // The slot count of an account with max_in_flight, shared with this node's LeaseBroker (SlotGate).
    private readonly SlotGate? _gate;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private AccountState _state = new();
    private bool _countersDirty;
    // Starts at the clock's ticks so versions keep growing across incarnations of the actor.
    private long _version = DateTime.UtcNow.Ticks;
    // When this incarnation began: the debug log says how long its recovery took (on a failover, the wait of the requests that reach it).
    private readonly long _createdAt = System.Diagnostics.Stopwatch.GetTimestamp();

    public override string PersistenceId { get; }
    public ITimerScheduler Timers { get; set; } = null!;

    public AccountActor(AccountSpec spec, TimeSpan leaseLifetime, Func<DateTimeOffset>? clock = null)
    {
        _spec = spec;
        _leaseLifetime = leaseLifetime;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
        _gate = spec.MaxInFlight > 0 ? new SlotGate(spec.MaxInFlight) : null;
        PersistenceId = "account-" + spec.EntityId;
        _unreadable = UnreadableJournals.For(Context.System).ReasonFor(PersistenceId);

        Recover<SnapshotOffer>(offer => { if (offer.Snapshot is AccountState s) _state = s; });
        Recover<IAccountEvent>(e => _state = _state.Apply(e));

        Command<AcquireLease>(a => Lease(Sender, a));
        Command<LendAccount>(_ => OnLend(Sender));
        Command<Terminated>(t => RequesterGone(t.ActorRef));
        Command<ReportOutcome>(OnOutcome);
        Command<ReportSuccesses>(OnSuccesses);
        Command<StoreCredential>(OnStoreCredential);
        Command<SignOut>(_ => OnSignOut());
        Command<RenewalFinished>(OnRenewalFinished);
        Command<RenewNow>(OnRenewNow);
        Command<GetAccountStatus>(_ => Sender.Tell(Snapshot()));
        Command<ResetAccount>(_ => OnReset());
        Command<ReportLiveness>(OnLiveness);
        Command<RosterMembers>(OnRoster);
        Command<SweepLeases>(_ => SweepExpiredLeases());
        Command<SaveCounters>(_ => SaveCountersIfDirty());
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning("Account {0}: snapshot failed: {1}", _spec.Name, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    /// <summary>
    /// Props for a sharded entity: restarted with exponential backoff when it crashes, and also when
    /// it stops itself because the journal failed (which a persistent actor does), so both heal.
    /// </summary>
    public static Props PropsFor(AccountSpec spec, TimeSpan leaseLifetime) =>
        BackoffSupervisor.Props(Backoff.OnStop(
                Props.Create(() => new AccountActor(spec, leaseLifetime, null)),
                childName: "account",
                minBackoff: TimeSpan.FromMilliseconds(200),
                maxBackoff: TimeSpan.FromSeconds(30),
                randomFactor: 0.2,
                maxNrOfRetries: -1)
            .WithSupervisorStrategy(new OneForOneStrategy(_ => Directive.Stop)));

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("sweep", SweepLeases.Instance, SweepEvery);
        Timers.StartPeriodicTimer("snapshot", SaveCounters.Instance, SnapshotEvery);
        if (_gate is not null) SlotGates.For(Context.System).Register(_spec.EntityId, _gate);
        base.PreStart();
    }

    protected override void PostStop()
    {
        SaveCountersIfDirty();
        if (_gate is not null) SlotGates.For(Context.System).Unregister(_spec.EntityId, _gate);
        base.PostStop();
    }

    private void Lease(IActorRef replyTo, AcquireLease request)
    {
        if (Overdue(request)) return;
        if (_spec.Tokens is not null && !TokenReady(replyTo, request)) return;
        replyTo.Tell(TryLease(replyTo, request.CorrelationId));
    }

    /// <summary>True (and dropped) when the requester stopped waiting before the account got to the request.</summary>
    private bool Overdue(AcquireLease request)
    {
        if (request.Deadline is not { } deadline || deadline > _clock()) return false;
        _log.Debug("Account {0}: dropped a lease request whose requester stopped waiting at {1:O}", _spec.Name, deadline);
        return true;
    }

    private object TryLease(IActorRef requester, long correlationId) => TryLease(requester) switch
    {
        LeaseGranted granted => granted with { CorrelationId = correlationId },
        LeaseDenied denied => denied with { CorrelationId = correlationId },
        var other => other,
    };

    private object TryLease(IActorRef requester)
    {
        var now = _clock();
        if (_spec.Tokens is not null && _state.Credential?.AccessToken is null)
            return new LeaseDenied(_spec.EntityId, DenyReason.Unauthenticated, Snapshot());
        if (_state.Health == AccountHealth.Unauthenticated && !ProbeAllowed(now))
            return new LeaseDenied(_spec.EntityId, DenyReason.Unauthenticated, Snapshot());
        if (_state.IsCoolingDown(now))
            return new LeaseDenied(_spec.EntityId, DenyReason.CoolingDown, Snapshot());
        // Last: a slot taken here is the lease's (this node's broker takes from the same gate).
        if (_gate is not null && !_gate.TryTake())
            return new LeaseDenied(_spec.EntityId, DenyReason.Busy, Snapshot());

        var id = Router.Protocols.Ids.Hex(32);
        _leases[id] = new LeaseRecord(now + _leaseLifetime, _credentialVersion, requester);
        if (!requester.IsNobody()) Context.Watch(requester);
        NoteProbe(id);
        var lease = _spec.Tokens is null
            ? new Lease(id, _spec.EntityId, _spec.Name, _spec.Credential)
            : new Lease(id, _spec.EntityId, _spec.Name, _state.Credential!.AccessToken!, AccountHeaders(), Renewable: true);
        return new LeaseGranted(lease, Snapshot());
    }

    private void OnOutcome(ReportOutcome report)
    {
        // A report sent again (its judgement did not reach the provider in time) is judged once.
        if (!_judged.Add(report.LeaseId))
        {
            Sender.Tell(new OutcomeRecorded(report.LeaseId, Snapshot()));
            return;
        }
        // A broker lease is not in _leases: its report names the credential it carried.
        LeaseRecord? leased = DropLease(report.LeaseId, out var record) ? record
            : report.CredentialVersion is { } version ? new LeaseRecord(default, version, ActorRefs.Nobody) : null;
        // A token account handles a 401 itself (renewal); every other outcome follows the ordinary rules.
        var events = _spec.Tokens is not null && TokenOutcome(report.Outcome, leased)
            ? []
            : _state.Decide(report.Outcome, _clock(), _spec.DefaultCooldown, _spec.ProbeAfter);
        _state = _state.Count(report.Outcome);
        _countersDirty = true;
        if (events.Count == 0)
        {
            Sender.Tell(new OutcomeRecorded(report.LeaseId, Snapshot()));
            return;
        }

        var replyTo = Sender;
        PersistAll(events, e =>
        {
            _state = _state.Apply(e);
            _log.Warning("Account {0}: {1}", _spec.Name, Describe(e));
        });
        DeferAsync(events[^1], _ =>
        {
            Announce();
            replyTo.Tell(new OutcomeRecorded(report.LeaseId, Snapshot()));
        });
    }

    /// <summary>Tells the provider actors of every node at once that the account changed.</summary>
    private void Announce() => AccountStateTopic.Publish(Context.System, AccountStateTopic.Accounts, Snapshot());

    /// <summary>A requester stopped or its node left the cluster: the slots of its leases are free again.</summary>
    private void RequesterGone(IActorRef requester)
    {
        var gone = _leases.Where(l => l.Value.Requester.Equals(requester)).Select(l => l.Key).ToList();
        foreach (var id in gone) DropLease(id, out _);
        if (gone.Count == 0) return;
        _log.Warning("Account {0}: {1} lease(s) given back, their requester {2} is gone", _spec.Name, gone.Count, requester.Path.Address);
        Announce();
    }

    private void OnSuccesses(ReportSuccesses report)
    {
        if (report.Count <= 0) return;
        _state = _state.CountSuccesses(report.Count);
        _renewedAfter401 = false;
        _countersDirty = true;
    }

    private void SweepExpiredLeases()
    {
        var now = _clock();
        foreach (var id in _leases.Where(l => l.Value.Expires <= now).Select(l => l.Key).ToList())
            DropLease(id, out _);
    }

    /// <summary>A lease is over: its slot is free again.</summary>
    private bool DropLease(string id, out LeaseRecord record)
    {
        if (!_leases.Remove(id, out record)) return false;
        _gate?.Release();
        return true;
    }

    private void SaveCountersIfDirty()
    {
        if (!_countersDirty) return;
        _countersDirty = false;
        SaveSnapshot(_state);
    }

    private AccountSnapshot Snapshot()
    {
        var now = _clock();
        var snapshot = new AccountSnapshot(
            _spec.EntityId, _spec.Name, _state.EffectiveHealth(now), _state.HealthReason,
            _state.IsCoolingDown(now) ? _state.CooldownUntil : null, _gate?.InUse ?? _leases.Count, _state.Counters, ++_version,
            _state.Credential?.Identity, _state.Credential?.ExpiresAt, NextProbe());
        AccountGauges.Note(_spec.Provider, snapshot);
        return snapshot;
    }

    private static string Describe(IAccountEvent e) => e switch
    {
        CooldownStarted c => $"cooling down until {c.Until:O} ({c.Reason})",
        HealthChanged h => $"now {h.Health.ToString().ToLowerInvariant()} ({h.Reason})",
        CredentialStored c => $"token stored (expires {c.Credential.ExpiresAt:O})",
        SignedOut => "signed out",
        ProbeScheduled p => $"tries its key again at {p.At:O}",
        AccountReset r => r.Reason,
        _ => e.GetType().Name,
    };

    /// <summary>A lease handed out: when it lapses, which credential it carried, and who asked for it.</summary>
    private readonly record struct LeaseRecord(DateTimeOffset Expires, int CredentialVersion, IActorRef Requester);

    private sealed class SweepLeases { public static readonly SweepLeases Instance = new(); }

    private sealed class SaveCounters { public static readonly SaveCounters Instance = new(); }
}
