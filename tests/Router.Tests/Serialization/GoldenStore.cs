using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Sql;
using Router.Actors.Accounts;
using Router.Actors.Serialization;
using Router.Persistence;

namespace Router.Tests.Serialization;

/// <summary>
/// An actor system with the router's persistence and serialization settings over a given store, and
/// the accounts and rosters the golden rows belong to (same specs, so the same persistence ids).
/// </summary>
public sealed class GoldenStore : IAsyncDisposable
{
    /// <summary>When the golden rows were written: cooldowns are judged from here.</summary>
    public static readonly DateTimeOffset WrittenAt = DateTimeOffset.Parse("2026-06-01T00:11:00Z");

    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(60); // a loaded CI machine starts the journal slowly
    private static readonly TokenPolicy Tokens = new(new NoRenewal(), TimeSpan.FromMinutes(5), RenewByTimer: false);

    public static readonly AccountSpec Key = new("openai", 1, "sk-golden-0123456789", 0, TimeSpan.FromSeconds(30));
    public static readonly AccountSpec Alice = AccountSpec.SignedIn("claude", "alice@example.com", 0, TimeSpan.FromSeconds(30), Tokens);
    public static readonly AccountSpec Bob = AccountSpec.SignedIn("claude", "bob@example.com", 0, TimeSpan.FromSeconds(30), Tokens);
    public static readonly AccountSpec Legacy = AccountSpec.SignedIn("ctonew", "sess_legacy", 0, TimeSpan.FromSeconds(30), Tokens);

    public ActorSystem System { get; }
    public string Store { get; }
    public string ConnectionString { get; }
    public DateTimeOffset Now { get; set; } = WrittenAt;

    public GoldenStore(string authDir, string store = "sqlite", string connectionString = "")
    {
        Store = store;
        ConnectionString = PersistenceHocon.ConnectionString(store, authDir, connectionString);
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING")
            .WithFallback(ConfigurationFactory.ParseString(RouterSerializer.Hocon(authDir)))
            .WithFallback(ConfigurationFactory.ParseString(PersistenceHocon.For(store, authDir, connectionString)))
            .WithFallback(SqlPersistence.DefaultConfiguration);
        System = ActorSystem.Create("golden", config);
    }

    public IActorRef Start(AccountSpec spec) =>
        System.ActorOf(Props.Create(() => new AccountActor(spec, TimeSpan.FromMinutes(5), () => Now)));

    public static Task<AccountSnapshot> StatusAsync(IActorRef account, AccountSpec spec) =>
        account.Ask<AccountSnapshot>(new GetAccountStatus(spec.EntityId), Ask);

    public static Task<object> LeaseAsync(IActorRef account, AccountSpec spec) =>
        account.Ask<object>(new AcquireLease(spec.EntityId), Ask);

    public async Task<RosterMembers> RosterAsync(string provider)
    {
        var roster = System.ActorOf(Props.Create(() => new RosterActor(provider)));
        return await roster.Ask<RosterMembers>(new GetRoster(provider), Ask);
    }

    public Task<int> RewriteLegacyRowsAsync() =>
        new LegacyRowRewriting(System, Store, ConnectionString).RunAsync(RouterSerializer.Id, Manifests.Table.Written.Select(e => e.Type).ToList());

    public async ValueTask DisposeAsync() => await System.Terminate();

    private sealed class NoRenewal : ITokenRenewer
    {
        public Task<RenewOutcome> RenewAsync(Credential current, CancellationToken cancellationToken) =>
            Task.FromResult<RenewOutcome>(new RenewFailed("the golden tests renew nothing"));
    }
}
