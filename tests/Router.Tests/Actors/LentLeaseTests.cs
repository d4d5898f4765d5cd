using Akka.Actor;
using Akka.TestKit.Xunit2;
using Router.Actors.Accounts;
using Router.Actors.Providers;

namespace Router.Tests.Actors;

/// <summary>
/// The broker's fast path for accounts whose credential the provider does not hold (tokens, relay workers) or
/// whose slots are limited: what the account lends, until when, and how the slots stay exact.
/// </summary>
public sealed class LentLeaseTests() : TestKit(AccountActorTests.Config)
{
    private static readonly HashSet<string> None = new();

    /// <summary>Routes account commands to children by entity id, as the shard region does.</summary>
    private sealed class Region : ReceiveActor
    {
        public Region(IEnumerable<AccountSpec> specs)
        {
            var children = specs.ToDictionary(s => s.EntityId, s => Context.ActorOf(Props.Create(() => new AccountActor(s, TimeSpan.FromMinutes(5), null))));
            Receive<IAccountCommand>(c => children[c.EntityId].Forward(c));
        }
    }

    /// <summary>Hands out token-1, token-2, … each valid for an hour.</summary>
    private sealed class NumberedTokens : ITokenRenewer
    {
        public int Renewals;

        public Task<RenewOutcome> RenewAsync(Credential current, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref Renewals) + 1;
            var now = DateTimeOffset.UtcNow;
            return Task.FromResult<RenewOutcome>(new Renewed(current with { AccessToken = $"token-{n}", ExpiresAt = now.AddHours(1), ObtainedAt = now }));
        }
    }

    private (IActorRef Provider, IActorRef Region, LeaseBroker Broker) Start(AccountSpec spec)
    {
        var broker = new LeaseBroker();
        var region = Sys.ActorOf(Props.Create(() => new Region(new[] { spec })));
        return (Sys.ActorOf(ProviderActor.Props(spec.Provider, [spec], region, broker: broker)), region, broker);
    }

    private Lease BrokerLease(LeaseBroker broker, string credential)
    {
        Lease? lease = null;
        AwaitCondition(() => (lease = broker.TryLease(None, DateTimeOffset.UtcNow)) is { } l && (l.Credential == credential || Return(broker, l)),
            TimeSpan.FromSeconds(10));
        return lease!;
    }

    private static bool Return(LeaseBroker broker, Lease lease)
    {
        broker.Returned(lease);
        return false;
    }

    [Fact]
    public void A_slot_limited_account_shares_one_count_between_the_broker_and_its_own_leases()
    {
        var spec = new AccountSpec("slots", 1, "key-slots", 2, TimeSpan.FromSeconds(30));
        var (provider, _, broker) = Start(spec);

        var first = BrokerLease(broker, "key-slots");
        var second = broker.TryLease(None, DateTimeOffset.UtcNow);
        Assert.NotNull(second);
        Assert.Null(broker.TryLease(None, DateTimeOffset.UtcNow)); // both slots taken on the fast path

        // The account itself counts the broker's slots: it refuses a third lease too.
        provider.Tell(new RequestLease(None));
        Assert.IsType<NoAccountAvailable>(ExpectMsg<object>(TimeSpan.FromSeconds(10)));

        broker.Returned(first);
        provider.Tell(new RequestLease(None));
        var granted = ExpectMsg<LeaseGranted>(TimeSpan.FromSeconds(10)).Lease;
        Assert.False(granted.Local);
        Assert.Null(broker.TryLease(None, DateTimeOffset.UtcNow)); // the actor's lease holds the freed slot
    }

    [Fact]
    public void A_token_is_lent_until_its_renewal_margin_and_a_401_brings_the_renewed_one()
    {
        var renewer = new NumberedTokens();
        var spec = AccountSpec.SignedIn("tok", "me@example.com", 0, TimeSpan.FromSeconds(30),
            new TokenPolicy(renewer, TimeSpan.FromMinutes(5), RenewByTimer: false, AccountHeader: "account-id"));
        var (provider, region, broker) = Start(spec);
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        region.Tell(new StoreCredential(spec.EntityId, new Credential("refresh-secret", "token-1", expires, DateTimeOffset.UtcNow, "me@example.com", "acct-7")));
        ExpectMsg<AccountSnapshot>(TimeSpan.FromSeconds(10));

        var lease = BrokerLease(broker, "token-1");
        Assert.True(lease is { Local: true, Renewable: true });
        Assert.Equal("acct-7", lease.AccountHeaders!["account-id"]);
        Assert.Null(broker.TryLease(None, expires.AddMinutes(-5))); // the renewal margin: the account renews, not the broker
        Assert.DoesNotContain("token-1", lease.ToString());

        // The upstream refused the lent token: the broker stops using it, the account renews once and lends the new one.
        broker.Returned(lease);
        broker.Withdraw(lease.EntityId);
        provider.Tell(new CallFinished(lease, new CallOutcome(OutcomeKind.Unauthorized)));
        var renewed = BrokerLease(broker, "token-2");
        Assert.Equal(1, renewer.Renewals);
        broker.Returned(renewed);
    }

    [Fact]
    public void A_401_on_a_token_the_account_has_replaced_is_ignored()
    {
        var renewer = new NumberedTokens();
        var spec = AccountSpec.SignedIn("tok", "you@example.com", 0, TimeSpan.FromSeconds(30), new TokenPolicy(renewer, TimeSpan.FromMinutes(5), RenewByTimer: false));
        var (provider, region, broker) = Start(spec);
        region.Tell(new StoreCredential(spec.EntityId, new Credential("refresh-secret", "token-1", DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow, "you@example.com")));
        ExpectMsg<AccountSnapshot>(TimeSpan.FromSeconds(10));
        var old = BrokerLease(broker, "token-1");
        var alsoOld = broker.TryLease(None, DateTimeOffset.UtcNow)!;

        provider.Tell(new CallFinished(old, new CallOutcome(OutcomeKind.Unauthorized)));
        BrokerLease(broker, "token-2");
        provider.Tell(new CallFinished(alsoOld, new CallOutcome(OutcomeKind.Unauthorized)));

        region.Tell(new GetAccountStatus(spec.EntityId));
        Assert.Equal(AccountHealth.Healthy, ExpectMsg<AccountSnapshot>(TimeSpan.FromSeconds(10)).Health);
        Assert.Equal(1, renewer.Renewals);
    }
}
