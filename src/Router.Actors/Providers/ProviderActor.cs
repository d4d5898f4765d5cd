using Akka.Actor;
using Akka.Event;
using Akka.Cluster.Tools.PublishSubscribe;
using Router.Actors.Accounts;
using Router.Actors.ClusterState;
using Router.Actors.Services;

namespace Router.Actors.Providers;

/// <summary>
/// One configured provider: knows its accounts (sharded entities, reached through the shard region),
/// keeps this node's latest view of each, chooses the account for a call and relays lease requests and
/// outcomes. Accounts stay authoritative: one may refuse a lease, and the next account is tried.
/// A provider whose accounts sign in also follows its roster (a sharded entity): members join its view
/// when they sign in and leave it when they sign out, on every node.
/// Accounts and rosters publish every change on cluster-wide topics (AccountStateTopic), so every
/// node's view follows within a moment; the periodic refresh only repairs a missed message.
/// </summary>
public sealed partial class ProviderActor : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    private static readonly TimeSpan AccountAskTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(1);

    private readonly string _name;
    private readonly IActorRef _accounts;
    private readonly IActorRef? _roster;
    private readonly HashSet<string> _configured;
    private readonly LeaseBroker? _broker;
    // API-key accounts with no slot limit: the ones the broker may lease without asking (the rest on loan).
    private readonly Dictionary<string, AccountSpec> _brokerable;
    // Accounts that have answered at least once: before that, their persisted state is unknown here.
    private readonly HashSet<string> _confirmed = new();
    private readonly Dictionary<string, AccountSnapshot> _view;
    private readonly Dictionary<string, int> _pending = new();
    private readonly AccountChooser _chooser = new();
    private readonly Func<DateTimeOffset> _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ITimerScheduler Timers { get; set; } = null!;
    public IStash Stash { get; set; } = null!;
    // A provider whose accounts sign in holds lease requests until it has read its roster once.
    private bool _rosterRead;
    // The health of the provider's side service or health check, when it has one: calls go elsewhere unless healthy.
    private ServiceHealthChanged? _service;
    // True from the start of a watched provider until its ServiceActor first reports.
    private bool _awaitingServiceReport;

    public ProviderActor(string name, IReadOnlyList<AccountSpec> accounts, IActorRef accountRegion, IActorRef? rosterRegion = null,
        Func<DateTimeOffset>? clock = null, LeaseBroker? broker = null, bool watched = false)
    {
        // A watched provider serves nothing until its ServiceActor has reported the service healthy.
        _service = watched ? new ServiceHealthChanged(name, ProviderHealth.Degraded, "waiting for the first health report") : null;
        _awaitingServiceReport = watched;
        _broker = broker;
        _brokerable = accounts.Where(a => a.Tokens is null && a.MaxInFlight == 0).ToDictionary(a => a.EntityId);
        _name = name;
        _accounts = accountRegion;
        _roster = rosterRegion;
        _configured = accounts.Select(a => a.EntityId).ToHashSet();
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
        // Until an account answers, assume it healthy: it refuses a lease itself if it is not.
        _view = accounts.ToDictionary(a => a.EntityId, a => Assumed(a.EntityId, a.Name));

        _rosterRead = rosterRegion is null;
        Receive<RequestLease>(r =>
        {
            if (_rosterRead) TryNext(new Wanted(Sender, r.CorrelationId, r.Excluded, DateTime.UtcNow + (r.Within ?? DefaultLeaseWait)), r.Prefer);
            else Stash.Stash();
        });
        Receive<LeaseGranted>(OnGranted);
        Receive<LeaseDenied>(OnDenied);
        Receive<LeaseDeferred>(OnDeferred);
        Receive<AccountSilent>(OnSilent);
        Receive<CallFinished>(OnCallFinished);
        Receive<OutcomeRecorded>(r => Judged(r.LeaseId, r.Snapshot));
        Receive<AccountLoan>(OnLoan);
        Receive<LoanRefused>(OnLoanRefused);
        Receive<JudgementOverdue>(OnJudgementOverdue);
        Receive<AccountSnapshot>(Remember);
        Receive<GetProviderStatus>(_ => Sender.Tell(Status()));
        Receive<RefreshView>(_ => RefreshAll());
        Receive<RosterChanged>(OnRosterChanged);
        Receive<RosterMembers>(r => { if (r.Provider == _name) OnRoster(r); });
        Receive<SubscribeAck>(_ => { });
        Receive<ServiceHealthChanged>(s =>
        {
            if (s.Provider != _name) return;
            _service = s;
            _awaitingServiceReport = false;
            PublishReady();
        });
        Receive<ServiceReportOverdue>(_ =>
        {
            // No ServiceActor answered: the service or health check came with a reload, and starts with the next restart.
            if (!_awaitingServiceReport) return;
            _awaitingServiceReport = false;
            _service = null;
            PublishReady();
        });
        Receive<FlushSuccesses>(_ => Flush());
        Receive<RetireProvider>(OnRetire);
        Receive<DrainCheck>(_ => OnDrainCheck());
        Receive<DrainTimedOut>(_ => OnDrainTimedOut());
        Receive<RosterUnavailable>(_ => RosterSettled()); // serve what is known; the next refresh asks again
        Receive<Status.Failure>(_ => { }); // an account did not answer; the next refresh asks again
    }

    public static Props Props(string name, IReadOnlyList<AccountSpec> accounts, IActorRef accountRegion, IActorRef? rosterRegion = null, LeaseBroker? broker = null,
        bool watched = false) =>
        Akka.Actor.Props.Create(() => new ProviderActor(name, accounts, accountRegion, rosterRegion, null, broker, watched));

    protected override void PreStart()
    {
        // Wake every account at start: each recovers its persisted cooldown and health.
        RefreshAll();
        AccountStateTopic.Subscribe(Context.System, AccountStateTopic.Accounts, typeof(AccountSnapshot), Self);
        if (_roster is not null) AccountStateTopic.Subscribe(Context.System, AccountStateTopic.Rosters, typeof(RosterMembers), Self);
        Context.System.EventStream.Subscribe(Self, typeof(ServiceHealthChanged));
        if (_awaitingServiceReport)
        {
            Context.System.EventStream.Publish(new ServiceHealthWanted(_name));
            Timers.StartSingleTimer("service-report", ServiceReportOverdue.Instance, ServiceReportWait);
        }
        Timers.StartPeriodicTimer("refresh", RefreshView.Instance, RefreshEvery);
        if (_broker is not null) Timers.StartPeriodicTimer("flush", FlushSuccesses.Instance, FlushEvery);
    }

    protected override void PostStop() => Flush();

    /// <summary>Sends the broker's counted successes to their accounts.</summary>
    private void Flush()
    {
        foreach (var (entityId, count) in _broker?.TakeAllSuccesses() ?? [])
            _accounts.Tell(new ReportSuccesses(entityId, count));
        ConsiderLoans();
    }

    /// <summary>Tells the broker which accounts it may lease on its own: healthy API-key accounts with no slot limit, and lent ones.</summary>
    private void PublishReady()
    {
        if (_broker is null || _retiring) return;
        _broker.Publish(_view.Values
            .Where(a => a.Health == AccountHealth.Healthy && _confirmed.Contains(a.EntityId))
            .Where(_ => _service is null or { Health: ProviderHealth.Healthy })
            .Select(a => _brokerable.TryGetValue(a.EntityId, out var spec)
                ? new LeaseBroker.ReadyAccount(a.EntityId, a.Name, spec.Credential, a.CooldownUntil)
                : _loans.TryGetValue(a.EntityId, out var loan) ? Lent(a, loan) : null)
            .OfType<LeaseBroker.ReadyAccount>()
            .ToArray());
    }

    /// <summary>Until an account answers, assume it healthy: it refuses a lease itself if it is not.</summary>
    private static AccountSnapshot Assumed(string entityId, string name) => new(entityId, name, AccountHealth.Healthy, null, null, 0, new());

    private void ReadRoster() =>
        _roster?.Ask<RosterMembers>(new GetRoster(_name), AccountAskTimeout)
            .PipeTo(Self, failure: _ => RosterUnavailable.Instance);

    private void OnRosterChanged(RosterChanged change)
    {
        if (change.Joined is { } joined) Join(joined);
        if (change.Left is { } left) Leave(left);
        Sender.Tell(new AccountsUpdated(_name));
        ReadRoster();
    }

    private void Join(RosterMember member)
    {
        if (_view.ContainsKey(member.EntityId)) return;
        _view[member.EntityId] = Assumed(member.EntityId, member.Label(_name));
        AskStatus(member.EntityId);
    }

    /// <summary>A signed-out account leaves the view; a configured one stays (it is marked signed out instead).</summary>
    private void Leave(string entityId)
    {
        if (_configured.Contains(entityId) || !_view.Remove(entityId)) return;
        ForgetLoan(entityId);
    }

    private void RosterSettled()
    {
        if (_rosterRead) return;
        _rosterRead = true;
        Stash.UnstashAll();
    }

    private void OnRoster(RosterMembers roster)
    {
        RosterSettled();
        var members = roster.Members.ToDictionary(m => m.EntityId);
        foreach (var gone in _view.Keys.Where(id => !members.ContainsKey(id)).ToList())
            Leave(gone);
        foreach (var member in members.Values)
            Join(member);
    }

    private void RefreshAll()
    {
        ReadRoster();
        foreach (var id in _view.Keys)
            AskStatus(id);
    }

    private void AskStatus(string entityId) =>
        _accounts.Ask<AccountSnapshot>(new GetAccountStatus(entityId), AccountAskTimeout)
            .PipeTo(Self, failure: _ => new Status.Failure(new TimeoutException()));

    /// <summary>Answers travel concurrently: keep the newest snapshot of each account.</summary>
    private void Remember(AccountSnapshot snapshot)
    {
        // Only accounts still in the view: a signed-out account's late answer must not bring it back.
        if (_view.TryGetValue(snapshot.EntityId, out var known) && snapshot.Version >= known.Version)
        {
            _view[snapshot.EntityId] = snapshot;
            // The broker's entries carry what a lease needs: a new name (a signed-in account's label) counts too.
            if (_confirmed.Add(snapshot.EntityId) || known.Health != snapshot.Health || known.CooldownUntil != snapshot.CooldownUntil || known.Name != snapshot.Name)
                PublishReady();
            ConsiderLoan(snapshot);
        }
    }

    /// <summary>Why no account could be leased, judged over every account (one may have just refused).</summary>
    private NoAccountAvailable WhyNone(DateTimeOffset now)
    {
        if (_view.Count == 0)
            return new NoAccountAvailable(_name, _roster is null ? NoAccountReason.NoAccounts : NoAccountReason.Unauthenticated);
        var cooling = _view.Values.Where(a => a.CooldownUntil > now).Select(a => a.CooldownUntil!.Value).ToList();
        if (cooling.Count > 0) return new NoAccountAvailable(_name, NoAccountReason.CoolingDown, cooling.Min());
        if (_view.Values.All(a => a.Health == AccountHealth.Unauthenticated))
            return new NoAccountAvailable(_name, NoAccountReason.Unauthenticated);
        return new NoAccountAvailable(_name, NoAccountReason.Unavailable);
    }

    private ProviderStatus Status()
    {
        // Leases the broker granted count in their account's in-flight figure; a slot-limited account on this node counts them itself, live.
        var gates = SlotGates.For(Context.System);
        var accounts = _view.Values.OrderBy(a => a.Name, StringComparer.Ordinal)
            .Select(a => gates.Find(a.EntityId) is { } gate ? a with { InFlight = gate.InUse }
                : _broker?.InFlight(a.EntityId) is > 0 and var local ? a with { InFlight = a.InFlight + local } : a)
            .ToList();
        var health = _service is { Health: not ProviderHealth.Healthy } service ? service.Health : ProviderHealth.Of(accounts, _clock(), signsIn: _roster is not null);
        return new ProviderStatus(_name, health, accounts, _service?.Detail);
    }

    private sealed class RefreshView { public static readonly RefreshView Instance = new(); }

    private sealed class ServiceReportOverdue { public static readonly ServiceReportOverdue Instance = new(); }

    private static readonly TimeSpan ServiceReportWait = TimeSpan.FromSeconds(5);

    private sealed class FlushSuccesses { public static readonly FlushSuccesses Instance = new(); }

    private sealed class RosterUnavailable { public static readonly RosterUnavailable Instance = new(); }
}
