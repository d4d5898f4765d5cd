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
        var first = broker.TryLease(new HashSet<string>(), Now)!;
        broker.TryLease(new HashSet<string>(), Now);
        Assert.Equal(2, broker.InFlight("p#1-a"));

        broker.Returned(first);
        broker.Returned(first);
        broker.Returned(first); // one too many never goes below zero
        Assert.Equal(0, broker.InFlight("p#1-a"));
    }

    [Fact]
    public void A_lent_token_is_leased_with_its_headers_until_its_loan_ends()
    {
        var headers = new Dictionary<string, string> { ["chatgpt-account-id"] = "acct-1" };
        var broker = With(new LeaseBroker.ReadyAccount("p@a", "p#1", "token-1", null, Until: Now.AddMinutes(1), AccountHeaders: headers, Renewable: true, CredentialVersion: 3));

        var lease = broker.TryLease(new HashSet<string>(), Now)!;
        Assert.Equal(("token-1", true, 3, "acct-1"), (lease.Credential, lease.Renewable, lease.CredentialVersion, lease.AccountHeaders!["chatgpt-account-id"]));
        Assert.Null(broker.TryLease(new HashSet<string>(), Now.AddMinutes(1)));
    }

    [Fact]
    public void A_slot_limited_account_is_leased_only_while_its_gate_has_a_free_slot()
    {
        var gate = new Router.Actors.Accounts.SlotGate(2);
        var broker = With(new LeaseBroker.ReadyAccount("p#1-a", "p#1", "key-1", null, Gate: gate));
        var first = broker.TryLease(new HashSet<string>(), Now)!;
        Assert.NotNull(broker.TryLease(new HashSet<string>(), Now));
        Assert.Null(broker.TryLease(new HashSet<string>(), Now));
        Assert.Equal(2, gate.InUse);

        broker.Returned(first);
        Assert.Equal(1, gate.InUse);
        Assert.NotNull(broker.TryLease(new HashSet<string>(), Now));
        gate.Close(); // the account stopped: nothing more from its gate
        broker.Returned(first);
        Assert.Null(broker.TryLease(new HashSet<string>(), Now));
    }

    [Fact]
    public void A_slot_gate_never_lets_more_than_its_limit_through_under_contention()
    {
        var gate = new Router.Actors.Accounts.SlotGate(2);
        var inside = 0;
        var most = 0;
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            if (!gate.TryTake()) return;
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            Interlocked.Decrement(ref inside);
            gate.Release();
        });
        Assert.InRange(most, 1, 2);
        Assert.Equal(0, gate.InUse);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
