using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Router.Actors.Accounts;

namespace Router.Tests.Actors;

/// <summary>AccountActor with Akka TestKit: leases, cooldown, health, persistence and crash recovery.</summary>
public sealed class AccountActorTests() : TestKit(Config)
{
    internal static readonly Config Config = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """);

    private static AccountSpec Spec(int maxInFlight = 0, string key = "sk-test") =>
        new("prov", 1, key, maxInFlight, TimeSpan.FromSeconds(30));

    private IActorRef Start(AccountSpec spec, Func<DateTimeOffset>? clock = null) =>
        Sys.ActorOf(Props.Create(() => new AccountActor(spec, TimeSpan.FromMinutes(5), clock)));

    private Lease Lease(IActorRef account, AccountSpec spec)
    {
        account.Tell(new AcquireLease(spec.EntityId));
        return ExpectMsg<LeaseGranted>().Lease;
    }

    [Fact]
    public void A_lease_carries_the_credential_and_takes_a_slot()
    {
        var spec = Spec(maxInFlight: 1);
        var account = Start(spec);

        var lease = Lease(account, spec);
        account.Tell(new AcquireLease(spec.EntityId));

        Assert.Equal("sk-test", lease.Credential);
        Assert.Equal(DenyReason.Busy, ExpectMsg<LeaseDenied>().Reason);
        Assert.DoesNotContain("sk-test", lease.ToString());

        account.Tell(new ReportOutcome(spec.EntityId, lease.LeaseId, CallOutcome.Success));
        Assert.Equal(0, ExpectMsg<OutcomeRecorded>().Snapshot.InFlight);
        Lease(account, spec);
    }

    [Fact]
    public void An_outcome_reported_twice_is_judged_once()
    {
        var spec = Spec();
        var account = Start(spec);

        var lease = Lease(account, spec);
        var report = new ReportOutcome(spec.EntityId, lease.LeaseId, new CallOutcome(OutcomeKind.Transient, Detail: "upstream answered 503"));
        account.Tell(report);
        Assert.Equal(1, ExpectMsg<OutcomeRecorded>().Snapshot.Counters.Failed);
        // Sent again because its judgement was late or lost: answered, not counted again.
        account.Tell(report);
        Assert.Equal(1, ExpectMsg<OutcomeRecorded>().Snapshot.Counters.Failed);
    }

    [Fact]
    public void A_429_cools_the_account_down_for_Retry_After_then_it_serves_again()
    {
        var now = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        var spec = Spec();
        var account = Start(spec, () => now);

        var lease = Lease(account, spec);
        account.Tell(new ReportOutcome(spec.EntityId, lease.LeaseId, new CallOutcome(OutcomeKind.RateLimited, TimeSpan.FromSeconds(42))));
        var snapshot = ExpectMsg<OutcomeRecorded>().Snapshot;
        Assert.Equal(now.AddSeconds(42), snapshot.CooldownUntil);

        account.Tell(new AcquireLease(spec.EntityId));
        Assert.Equal(DenyReason.CoolingDown, ExpectMsg<LeaseDenied>().Reason);

        now = now.AddSeconds(43);
        Lease(account, spec);
    }

    [Fact]
    public void A_429_without_Retry_After_uses_the_configured_cooldown()
    {
        var now = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        var spec = Spec();
        var account = Start(spec, () => now);

        account.Tell(new ReportOutcome(spec.EntityId, Lease(account, spec).LeaseId, new CallOutcome(OutcomeKind.RateLimited)));

        Assert.Equal(now.AddSeconds(30), ExpectMsg<OutcomeRecorded>().Snapshot.CooldownUntil);
    }

    [Fact]
    public void A_refused_credential_makes_the_account_unauthenticated()
    {
        var spec = Spec();
        var account = Start(spec);

        account.Tell(new ReportOutcome(spec.EntityId, Lease(account, spec).LeaseId, new CallOutcome(OutcomeKind.Unauthorized)));

        Assert.Equal(AccountHealth.Unauthenticated, ExpectMsg<OutcomeRecorded>().Snapshot.Health);
        account.Tell(new AcquireLease(spec.EntityId));
        Assert.Equal(DenyReason.Unauthenticated, ExpectMsg<LeaseDenied>().Reason);
    }

    [Fact]
    public void Repeated_failures_degrade_and_a_success_or_time_heals()
    {
        var now = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        var spec = Spec();
        var account = Start(spec, () => now);
        var transient = new CallOutcome(OutcomeKind.Transient, Detail: "upstream answered 503");

        for (var i = 1; i <= 3; i++)
        {
            account.Tell(new ReportOutcome(spec.EntityId, Lease(account, spec).LeaseId, transient));
            Assert.Equal(i < 3 ? AccountHealth.Healthy : AccountHealth.Degraded, ExpectMsg<OutcomeRecorded>().Snapshot.Health);
        }

        account.Tell(new ReportOutcome(spec.EntityId, Lease(account, spec).LeaseId, CallOutcome.Success));
        Assert.Equal(AccountHealth.Healthy, ExpectMsg<OutcomeRecorded>().Snapshot.Health);

        for (var i = 0; i < 3; i++)
        {
            account.Tell(new ReportOutcome(spec.EntityId, Lease(account, spec).LeaseId, transient));
            ExpectMsg<OutcomeRecorded>();
        }
        now += AccountState.DegradedFor + TimeSpan.FromSeconds(1);
        account.Tell(new GetAccountStatus(spec.EntityId));
        Assert.Equal(AccountHealth.Healthy, ExpectMsg<AccountSnapshot>().Health);
    }

    [Fact]
    public void Client_errors_and_cancellations_do_not_touch_health()
    {
        var spec = Spec();
        var account = Start(spec);

        for (var i = 0; i < 5; i++)
        {
            account.Tell(new ReportOutcome(spec.EntityId, Lease(account, spec).LeaseId, i % 2 == 0 ? CallOutcome.ClientError : CallOutcome.Cancelled));
            Assert.Equal(AccountHealth.Healthy, ExpectMsg<OutcomeRecorded>().Snapshot.Health);
        }
    }

    [Fact]
    public void State_is_recovered_from_the_journal_by_a_new_incarnation()
    {
        var now = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        var spec = Spec(key: "sk-recover");
        var first = Start(spec, () => now);
        first.Tell(new ReportOutcome(spec.EntityId, Lease(first, spec).LeaseId, new CallOutcome(OutcomeKind.RateLimited, TimeSpan.FromMinutes(10))));
        ExpectMsg<OutcomeRecorded>();
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        var second = Start(spec, () => now);
        second.Tell(new GetAccountStatus(spec.EntityId));

        Assert.Equal(now.AddMinutes(10), ExpectMsg<AccountSnapshot>().CooldownUntil);
    }

    [Fact]
    public void A_crashed_account_is_restarted_with_backoff_and_keeps_its_state()
    {
        var spec = Spec(key: "sk-crash");
        var account = Sys.ActorOf(AccountActor.PropsFor(spec, TimeSpan.FromMinutes(5)));
        account.Tell(new ReportOutcome(spec.EntityId, Lease(account, spec).LeaseId, new CallOutcome(OutcomeKind.Unauthorized)));
        ExpectMsg<OutcomeRecorded>();

        // A malformed message (no outcome) makes the actor throw: the backoff supervisor restarts it.
        EventFilter.Exception<NullReferenceException>().ExpectOne(() => account.Tell(new ReportOutcome(spec.EntityId, "x", null!)));

        AwaitAssert(() =>
        {
            account.Tell(new GetAccountStatus(spec.EntityId));
            Assert.Equal(AccountHealth.Unauthenticated, ExpectMsg<AccountSnapshot>(TimeSpan.FromMilliseconds(300)).Health);
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
    }
}
