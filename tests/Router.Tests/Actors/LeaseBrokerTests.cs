using Router.Actors.Providers;

namespace Router.Tests.Actors;

/// <summary>The provider's per-request fast path: what it may lease without asking, and what it must not.</summary>
public sealed class LeaseBrokerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static LeaseBroker With(params LeaseBroker.ReadyAccount[] ready)
    {
        var broker = new LeaseBroker();
        broker.Publish(ready);
        return broker;
    }

    [Fact]
    public void Nothing_published_means_the_actors_decide()
    {
        Assert.Null(new LeaseBroker().TryLease(new HashSet<string>(), Now));
    }

    [Fact]
    public void Ready_accounts_are_leased_in_turn_with_their_credential_and_marked_local()
    {
        var broker = With(new("p#1-a", "p#1", "key-1", null), new("p#2-b", "p#2", "key-2", null));
        var leases = Enumerable.Range(0, 4).Select(_ => broker.TryLease(new HashSet<string>(), Now)!).ToList();
        Assert.All(leases, l => Assert.True(l.Local));
        Assert.Equal(2, leases.Select(l => l.Credential).Distinct().Count());
        Assert.DoesNotContain("key-", leases[0].ToString());
    }

    [Fact]
    public void Excluded_cooling_down_and_withdrawn_accounts_are_skipped_until_restored()
    {
        var broker = With(new("p#1-a", "p#1", "key-1", Now.AddMinutes(1)), new("p#2-b", "p#2", "key-2", null));
        Assert.Equal("p#2-b", broker.TryLease(new HashSet<string>(), Now)!.EntityId);
        Assert.Null(broker.TryLease(new HashSet<string> { "p#2-b" }, Now));

        broker.Withdraw("p#2-b");
        Assert.Null(broker.TryLease(new HashSet<string>(), Now));
        broker.Restore("p#2-b");
        Assert.Equal("p#2-b", broker.TryLease(new HashSet<string>(), Now)!.EntityId);
        Assert.Equal("p#1-a", broker.TryLease(new HashSet<string> { "p#2-b" }, Now.AddMinutes(2))!.EntityId);
    }

    [Fact]
    public void Successes_are_counted_per_account_and_taken_once()
    {
        var broker = new LeaseBroker();
        broker.CountSuccess("a");
        broker.CountSuccess("a");
        broker.CountSuccess("b");
        Assert.Equal(2, broker.TakeSuccesses("a"));
        Assert.Equal(0, broker.TakeSuccesses("a"));
        Assert.Equal([("b", 1)], broker.TakeAllSuccesses());
    }

    [Fact]
    public void Withdrawals_are_counted_two_failures_need_two_judgements()
    {
        var broker = With(new LeaseBroker.ReadyAccount("p#1-a", "p#1", "key-1", null));
        broker.Withdraw("p#1-a");
        broker.Withdraw("p#1-a");

        broker.Restore("p#1-a");
        Assert.Null(broker.TryLease(new HashSet<string>(), Now));
        broker.Restore("p#1-a");
        Assert.NotNull(broker.TryLease(new HashSet<string>(), Now));
    }

    [Fact]
    public void Broker_leases_count_in_flight_until_returned()
    {
        var broker = With(new LeaseBroker.ReadyAccount("p#1-a", "p#1", "key-1", null));
        broker.TryLease(new HashSet<string>(), Now);
        broker.TryLease(new HashSet<string>(), Now);
        Assert.Equal(2, broker.InFlight("p#1-a"));

        broker.Returned("p#1-a");
        broker.Returned("p#1-a");
        broker.Returned("p#1-a"); // one too many never goes below zero
        Assert.Equal(0, broker.InFlight("p#1-a"));
    }
}
