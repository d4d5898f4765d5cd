using Akka.Actor;
using Akka.TestKit.Xunit2;
using Router.Actors.Accounts;
using Router.Actors.Providers;

namespace Router.Tests.Actors;

/// <summary>ProviderActor over real account actors (a local stand-in for the shard region routes by entity id).</summary>
public sealed class ProviderActorTests() : TestKit(AccountActorTests.Config)
{
    /// <summary>Routes account commands to children by entity id, as the shard region does.</summary>
    private sealed class FakeRegion : ReceiveActor
    {
        public FakeRegion(IEnumerable<AccountSpec> specs, bool supervised)
        {
            var children = specs.ToDictionary(s => s.EntityId, s => Context.ActorOf(supervised
                ? AccountActor.PropsFor(s, TimeSpan.FromMinutes(5))
                : Props.Create(() => new AccountActor(s, TimeSpan.FromMinutes(5), null))));
            Receive<IAccountCommand>(c => children[c.EntityId].Forward(c));
        }
    }

    /// <summary>
    /// A region between nodes that loses (null delay) or holds back the first message of one kind for each account
    /// (a lease request unless told otherwise), as a message to or from a node that has just restarted, or to an
    /// account moving between nodes, can be lost or late. It passes the account's answer to a held-back request
    /// on, and tells what it was when asked (LateAnswer).
    /// </summary>
    private sealed class UnreliableRegion : ReceiveActor
    {
        public sealed record LateAnswer;
        private sealed record Release(AcquireLease Request, IActorRef ReplyTo);

        public UnreliableRegion(IEnumerable<AccountSpec> specs, TimeSpan? firstDelay, Type? kind = null)
        {
            kind ??= typeof(AcquireLease);
            var children = specs.ToDictionary(s => s.EntityId, s => Context.ActorOf(Props.Create(() => new AccountActor(s, TimeSpan.FromMinutes(5), null))));
            var held = new HashSet<string>();
            IActorRef? replyTo = null;
            object? lateAnswer = null;
            Receive<IAccountCommand>(c => c.GetType() == kind && !held.Contains(c.EntityId), c =>
            {
                held.Add(c.EntityId);
                if (firstDelay is { } delay && c is AcquireLease a) Context.System.Scheduler.ScheduleTellOnce(delay, Self, new Release(a, Sender), Self);
            });
            Receive<Release>(r =>
            {
                replyTo = r.ReplyTo;
                children[r.Request.EntityId].Tell(r.Request, Self);
            });
            Receive<LeaseGranted>(g => { lateAnswer = g; replyTo!.Tell(g); });
            Receive<LeaseDenied>(d => { lateAnswer = d; replyTo!.Tell(d); });
            Receive<LateAnswer>(_ => Sender.Tell(lateAnswer?.GetType().Name ?? "none"));
            Receive<IAccountCommand>(c => children[c.EntityId].Forward(c));
        }
    }

    private static List<AccountSpec> Specs(string provider, int count, int maxInFlight = 0) =>
        Enumerable.Range(1, count).Select(i => new AccountSpec(provider, i, $"key-{provider}-{i}", maxInFlight, TimeSpan.FromSeconds(30))).ToList();

    private IActorRef StartProvider(List<AccountSpec> specs, bool supervised = false)
    {
        var region = Sys.ActorOf(Props.Create(() => new FakeRegion(specs, supervised)));
        return Sys.ActorOf(ProviderActor.Props(specs[0].Provider, specs, region));
    }

    private Lease Lease(IActorRef provider, params string[] excluded) => Lease(provider, TimeSpan.FromSeconds(10), excluded);

    private Lease Lease(IActorRef provider, TimeSpan within, params string[] excluded)
    {
        provider.Tell(new RequestLease(excluded.ToHashSet()));
        return ExpectMsg<LeaseGranted>(within).Lease;
    }

    [Fact]
    public void Leases_spread_over_accounts_least_in_flight_first()
    {
        var specs = Specs("p", 3);
        var provider = StartProvider(specs);

        var names = Enumerable.Range(0, 3).Select(_ => Lease(provider).AccountName).ToList();

        Assert.Equal(3, names.Distinct().Count());
    }

    [Fact]
    public void A_watched_provider_asks_its_service_to_report_and_is_not_healthy_before_it_does()
    {
        var specs = Specs("watched", 1);
        var region = Sys.ActorOf(Props.Create(() => new FakeRegion(specs, false)));
        var service = CreateTestProbe();
        Sys.EventStream.Subscribe(service, typeof(Router.Actors.Services.ServiceHealthWanted));
        // The service's last report went out before the provider listened.
        Sys.EventStream.Publish(new Router.Actors.Services.ServiceHealthChanged("watched", ProviderHealth.Healthy, null));

        var provider = Sys.ActorOf(ProviderActor.Props("watched", specs, region, watched: true));

        Assert.Equal("watched", service.ExpectMsg<Router.Actors.Services.ServiceHealthWanted>().Provider);
        provider.Tell(GetProviderStatus.Instance);
        Assert.Equal(ProviderHealth.Degraded, ExpectMsg<ProviderStatus>().Health);
        Sys.EventStream.Publish(new Router.Actors.Services.ServiceHealthChanged("watched", ProviderHealth.Healthy, null));
        AwaitAssert(() =>
        {
            provider.Tell(GetProviderStatus.Instance);
            Assert.Equal(ProviderHealth.Healthy, ExpectMsg<ProviderStatus>().Health);
        });
    }

    [Fact]
    public void Round_robin_among_idle_accounts()
    {
        var specs = Specs("rr", 2);
        var provider = StartProvider(specs);
        var seen = new List<string>();

        for (var i = 0; i < 4; i++)
        {
            var lease = Lease(provider);
            seen.Add(lease.AccountName);
            provider.Tell(new CallFinished(lease, CallOutcome.Success));
            AwaitAssert(() =>
            {
                provider.Tell(GetProviderStatus.Instance);
                Assert.All(ExpectMsg<ProviderStatus>().Accounts, a => Assert.Equal(0, a.InFlight));
            });
        }

        Assert.Equal(2, seen.Distinct().Count());
        Assert.NotEqual(seen[0], seen[1]);
    }

    [Fact]
    public void Healthy_accounts_come_before_degraded_ones()
    {
        var specs = Specs("h", 2);
        var provider = StartProvider(specs);
        var first = Lease(provider);
        for (var i = 0; i < 3; i++)
        {
            provider.Tell(new CallFinished(first, new CallOutcome(OutcomeKind.Transient)));
            first = Lease(provider, specs.First(s => s.EntityId != first.EntityId).EntityId);
        }
        AwaitAssert(() =>
        {
            provider.Tell(GetProviderStatus.Instance);
            Assert.Contains(ExpectMsg<ProviderStatus>().Accounts, a => a.Health == AccountHealth.Degraded);
        });

        var healthy = Lease(provider);

        Assert.NotEqual(first.EntityId, healthy.EntityId);
    }

    [Fact]
    public void A_cooling_account_is_skipped_and_when_all_cool_the_answer_says_until_when()
    {
        var specs = Specs("c", 2);
        var provider = StartProvider(specs);

        foreach (var _ in specs)
        {
            var lease = Lease(provider);
            provider.Tell(new CallFinished(lease, new CallOutcome(OutcomeKind.RateLimited, TimeSpan.FromMinutes(1))));
            AwaitAssert(() =>
            {
                provider.Tell(GetProviderStatus.Instance);
                Assert.Contains(ExpectMsg<ProviderStatus>().Accounts, a => a.EntityId == lease.EntityId && a.CooldownUntil is not null);
            });
        }

        provider.Tell(new RequestLease(new HashSet<string>()));
        var none = ExpectMsg<NoAccountAvailable>();
        Assert.Equal(NoAccountReason.CoolingDown, none.Reason);
        Assert.True(none.RetryAt > DateTimeOffset.UtcNow);
        provider.Tell(GetProviderStatus.Instance);
        Assert.Equal(ProviderHealth.Degraded, ExpectMsg<ProviderStatus>().Health);
    }

    [Fact]
    public void An_account_that_refuses_a_lease_hands_the_call_to_the_next_one()
    {
        var specs = Specs("busy", 2, maxInFlight: 1);
        var provider = StartProvider(specs);

        var a = Lease(provider);
        var b = Lease(provider);
        provider.Tell(new RequestLease(new HashSet<string>()));

        Assert.NotEqual(a.EntityId, b.EntityId);
        Assert.Equal(NoAccountReason.Unavailable, ExpectMsg<NoAccountAvailable>().Reason);
    }

    [Fact]
    public void A_crashing_account_leaves_its_provider_serving()
    {
        var specs = Specs("crash", 2);
        var provider = StartProvider(specs, supervised: true);

        var first = Lease(provider);
        EventFilter.Exception<NullReferenceException>().ExpectOne(() =>
            provider.Tell(new CallFinished(first, null!)));

        // While the crashed account waits out its backoff, a lease request to it goes unanswered and
        // the provider asks the other account too; once the unanswered request has lapsed, both serve again.
        var served = new HashSet<string>();
        AwaitAssert(() =>
        {
            var lease = Lease(provider, TimeSpan.FromSeconds(8));
            served.Add(lease.EntityId);
            provider.Tell(new CallFinished(lease, CallOutcome.Success));
            Assert.Equal(2, served.Count);
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(200));
        provider.Tell(GetProviderStatus.Instance);
        Assert.Equal(ProviderHealth.Healthy, ExpectMsg<ProviderStatus>().Health);
    }

    [Fact]
    public void A_lease_request_lost_on_the_way_is_asked_again_within_the_wait()
    {
        var specs = Specs("lossy", 1);
        var region = Sys.ActorOf(Props.Create(() => new UnreliableRegion(specs, null)));
        var provider = Sys.ActorOf(ProviderActor.Props("lossy", specs, region));

        // The only account never hears the first request: it is asked again before the 5 s wait is up.
        provider.Tell(new RequestLease(new HashSet<string>(), Within: TimeSpan.FromSeconds(5)));
        Assert.Equal(specs[0].EntityId, ExpectMsg<LeaseGranted>(TimeSpan.FromSeconds(5)).Lease.EntityId);
    }

    [Fact]
    public void When_both_a_late_request_and_its_repeat_are_granted_the_second_lease_goes_back()
    {
        var specs = Specs("late", 1);
        var region = Sys.ActorOf(Props.Create(() => new UnreliableRegion(specs, TimeSpan.FromSeconds(4))));
        var provider = Sys.ActorOf(ProviderActor.Props("late", specs, region));

        provider.Tell(new RequestLease(new HashSet<string>(), Within: TimeSpan.FromSeconds(8)));
        var lease = ExpectMsg<LeaseGranted>(TimeSpan.FromSeconds(8)).Lease;

        // The held-back request reaches the account after the repeat was granted, and is granted too: that
        // second lease goes back, so the account ends with the one lease the requester holds.
        AwaitAssert(() =>
        {
            region.Tell(new UnreliableRegion.LateAnswer());
            Assert.Equal(nameof(LeaseGranted), ExpectMsg<string>());
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
        AwaitAssert(() =>
        {
            region.Tell(new GetAccountStatus(lease.EntityId));
            Assert.Equal(1, ExpectMsg<AccountSnapshot>().InFlight);
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_failed_outcome_whose_report_was_lost_is_reported_again()
    {
        var specs = Specs("forgetful", 1);
        var region = Sys.ActorOf(Props.Create(() => new UnreliableRegion(specs, null, typeof(ReportOutcome))));
        var provider = Sys.ActorOf(ProviderActor.Props("forgetful", specs, region));

        var lease = Lease(provider);
        provider.Tell(new CallFinished(lease, new CallOutcome(OutcomeKind.RateLimited, TimeSpan.FromMinutes(10))));

        // The first report never arrives; the provider, not hearing the account's judgement, reports it again.
        AwaitAssert(() =>
        {
            region.Tell(new GetAccountStatus(lease.EntityId));
            Assert.NotNull(ExpectMsg<AccountSnapshot>().CooldownUntil);
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));
    }
}
