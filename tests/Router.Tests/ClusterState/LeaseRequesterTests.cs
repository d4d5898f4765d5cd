using Akka.Actor;
using Akka.TestKit.Xunit2;
using Router.Actors.Accounts;
using Router.Tests.Actors;

namespace Router.Tests.ClusterState;

/// <summary>An account never holds a slot for a requester that has gone: overdue requests are dropped, a stopped requester's leases come back.</summary>
public sealed class LeaseRequesterTests() : TestKit(AccountActorTests.Config)
{
    private static readonly AccountSpec Spec = new("prov", 1, "sk-test", 1, TimeSpan.FromSeconds(30));

    private IActorRef Start() => Sys.ActorOf(Props.Create(() => new AccountActor(Spec, TimeSpan.FromMinutes(5), null)));

    [Fact]
    public void A_request_whose_deadline_passed_is_dropped_and_takes_no_slot()
    {
        var account = Start();
        account.Tell(new AcquireLease(Spec.EntityId, 1, DateTimeOffset.UtcNow.AddSeconds(-1)));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        account.Tell(new AcquireLease(Spec.EntityId, 2, DateTimeOffset.UtcNow.AddSeconds(5)));
        Assert.Equal(2, ExpectMsg<LeaseGranted>().CorrelationId);
    }

    [Fact]
    public void The_slots_of_a_requester_that_stops_are_free_again()
    {
        var account = Start();
        var requester = CreateTestProbe();
        account.Tell(new AcquireLease(Spec.EntityId, 1), requester.Ref);
        requester.ExpectMsg<LeaseGranted>();
        account.Tell(new AcquireLease(Spec.EntityId, 2));
        Assert.Equal(DenyReason.Busy, ExpectMsg<LeaseDenied>().Reason);

        Sys.Stop(requester.Ref);
        AwaitAssert(() =>
        {
            account.Tell(new GetAccountStatus(Spec.EntityId));
            Assert.Equal(0, ExpectMsg<AccountSnapshot>().InFlight);
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
        account.Tell(new AcquireLease(Spec.EntityId, 3));
        ExpectMsg<LeaseGranted>();
    }
}
