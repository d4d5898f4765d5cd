using Akka.TestKit.Xunit2;
using Router.Actors.Accounts;
using Router.Actors.Dispatch;
using Router.Actors.Providers;

namespace Router.Tests.Actors;

/// <summary>The node's lease inbox: answers reach the request that waits for them; a grant nobody waits for goes straight back.</summary>
public sealed class LeaseInboxTests() : TestKit(AccountActorTests.Config)
{
    private static Lease SomeLease() => new("lease-1", "p#1-a", "p#1", "key");

    [Fact]
    public async Task A_grant_completes_the_waiting_request()
    {
        var pending = new PendingLeases();
        var inbox = Sys.ActorOf(LeaseInbox.Props(pending));
        var (id, answer) = pending.Open();

        inbox.Tell(new LeaseGranted(SomeLease(), null, id), TestActor);

        Assert.Equal("lease-1", Assert.IsType<LeaseGranted>(await answer.WaitAsync(TimeSpan.FromSeconds(5))).Lease.LeaseId);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_grant_for_a_request_that_gave_up_is_returned_to_its_provider_at_once()
    {
        var pending = new PendingLeases();
        var inbox = Sys.ActorOf(LeaseInbox.Props(pending));
        var (id, _) = pending.Open();
        Assert.True(pending.Abandon(id));

        inbox.Tell(new LeaseGranted(SomeLease(), null, id), TestActor);

        var returned = ExpectMsg<CallFinished>();
        Assert.Equal("lease-1", returned.Lease.LeaseId);
        Assert.Equal(OutcomeKind.Cancelled, returned.Outcome.Kind);
    }

    [Fact]
    public async Task No_account_answers_complete_the_request_too()
    {
        var pending = new PendingLeases();
        var inbox = Sys.ActorOf(LeaseInbox.Props(pending));
        var (id, answer) = pending.Open();

        inbox.Tell(new NoAccountAvailable("p", NoAccountReason.CoolingDown, CorrelationId: id), TestActor);

        Assert.Equal(NoAccountReason.CoolingDown, Assert.IsType<NoAccountAvailable>(await answer.WaitAsync(TimeSpan.FromSeconds(5))).Reason);
    }
}
