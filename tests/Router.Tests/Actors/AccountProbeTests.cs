using Akka.Actor;
using Akka.TestKit.Xunit2;
using Router.Actors.Accounts;

namespace Router.Tests.Actors;

/// <summary>An API-key account refused with 401/403 tries its key again: one real call after a doubling wait, at once after a restart, or on reset.</summary>
public sealed class AccountProbeTests() : TestKit(AccountActorTests.Config)
{
    private static readonly TimeSpan FirstWait = TimeSpan.FromMinutes(1);
    private static readonly CallOutcome Refused = new(OutcomeKind.Unauthorized);
    // A persistent actor's first answer waits for its recovery: slow on a loaded machine.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private DateTimeOffset _now = DateTimeOffset.Parse("2026-01-01T00:00:00Z");

    private static AccountSpec Spec(string key) => new("prov", 1, key, 0, TimeSpan.FromSeconds(30), FirstWait);

    private IActorRef Start(AccountSpec spec) =>
        Sys.ActorOf(Props.Create(() => new AccountActor(spec, TimeSpan.FromMinutes(5), () => _now)));

    private object Ask(IActorRef account, AccountSpec spec)
    {
        account.Tell(new AcquireLease(spec.EntityId));
        return ExpectMsg<object>(m => m is LeaseGranted or LeaseDenied, Patience);
    }

    private AccountSnapshot Report(IActorRef account, AccountSpec spec, Lease lease, CallOutcome outcome)
    {
        account.Tell(new ReportOutcome(spec.EntityId, lease.LeaseId, outcome));
        return ExpectMsg<OutcomeRecorded>(Patience).Snapshot;
    }

    [Fact]
    public void A_refused_key_is_probed_with_one_call_after_a_doubling_wait_and_serves_again_when_accepted()
    {
        var spec = Spec("sk-probe");
        var account = Start(spec);

        var refused = Report(account, spec, ((LeaseGranted)Ask(account, spec)).Lease, Refused);
        Assert.Equal(AccountHealth.Unauthenticated, refused.Health);
        Assert.Equal(_now + FirstWait, refused.NextProbeAt);
        Assert.IsType<LeaseDenied>(Ask(account, spec));

        _now += FirstWait;
        var probe = Assert.IsType<LeaseGranted>(Ask(account, spec)).Lease;
        Assert.Equal(DenyReason.Unauthenticated, Assert.IsType<LeaseDenied>(Ask(account, spec)).Reason); // one probe at a time

        var refusedAgain = Report(account, spec, probe, Refused);
        Assert.Equal(_now + 2 * FirstWait, refusedAgain.NextProbeAt);
        _now += FirstWait;
        Assert.IsType<LeaseDenied>(Ask(account, spec));

        _now += FirstWait;
        probe = Assert.IsType<LeaseGranted>(Ask(account, spec)).Lease;
        var healed = Report(account, spec, probe, CallOutcome.Success);
        Assert.Equal(AccountHealth.Healthy, healed.Health);
        Assert.Null(healed.NextProbeAt);
        Assert.IsType<LeaseGranted>(Ask(account, spec));
        Assert.IsType<LeaseGranted>(Ask(account, spec));
    }

    [Fact]
    public void The_wait_doubles_up_to_an_hour()
    {
        var state = new AccountState();
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 9; i++)
        {
            foreach (var e in state.Decide(Refused, _now, TimeSpan.FromSeconds(30), FirstWait)) state = state.Apply(e);
            waits.Add(state.ProbeBackoff!.Value);
        }
        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], waits.Select(w => (int)w.TotalMinutes));
    }

    [Fact]
    public void A_restarted_account_probes_at_once_and_a_refusal_keeps_doubling()
    {
        var spec = Spec("sk-restart");
        var first = Start(spec);
        Report(first, spec, ((LeaseGranted)Ask(first, spec)).Lease, Refused);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        var second = Start(spec);
        second.Tell(new GetAccountStatus(spec.EntityId));
        var recovered = ExpectMsg<AccountSnapshot>(Patience);
        Assert.Equal(AccountHealth.Unauthenticated, recovered.Health);
        Assert.Equal(_now, recovered.NextProbeAt);

        var probe = Assert.IsType<LeaseGranted>(Ask(second, spec)).Lease;
        Assert.Equal(_now + 2 * FirstWait, Report(second, spec, probe, Refused).NextProbeAt);
    }

    [Fact]
    public void A_reset_clears_unauthenticated_cooldown_and_probe()
    {
        var spec = Spec("sk-reset");
        var account = Start(spec);
        var first = ((LeaseGranted)Ask(account, spec)).Lease;
        var second = ((LeaseGranted)Ask(account, spec)).Lease;
        Report(account, spec, first, new CallOutcome(OutcomeKind.RateLimited, TimeSpan.FromMinutes(10)));
        Assert.Equal(AccountHealth.Unauthenticated, Report(account, spec, second, Refused).Health);

        account.Tell(new ResetAccount(spec.EntityId));
        var reset = ExpectMsg<AccountSnapshot>(Patience);

        Assert.Equal(AccountHealth.Healthy, reset.Health);
        Assert.Null(reset.CooldownUntil);
        Assert.Null(reset.NextProbeAt);
        Assert.IsType<LeaseGranted>(Ask(account, spec));
    }
}
