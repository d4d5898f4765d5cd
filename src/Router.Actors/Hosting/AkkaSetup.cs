using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Persistence.Sql;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Router.Actors.Accounts;
using Router.Actors.ClusterState;
using Router.Actors.SignIn;
using Router.Actors.Configuration;
using Router.Actors.Dispatch;
using Router.Actors.Providers;
using Router.Actors.Routing;
using Router.Actors.Services;
using Router.Persistence;

namespace Router.Actors.Hosting;

/// <summary>
/// The actor system of the router, hosted with Akka.Hosting: a cluster (of one by default), the
/// account shard region on Akka.Persistence.Sql, and the routing actor with one child per provider.
/// </summary>
public static class AkkaSetup
{
    public static IServiceCollection AddRouterActors(this IServiceCollection services, RouterConfig config, IReadOnlyList<ProviderDefinition> providers, string hoconDirectory, HttpClient http)
    {
        PersistenceHocon.EnsureAuthDirectory(config.Auth.Dir);
        var directory = new AccountDirectory(providers.SelectMany(p => p.Accounts),
            entityId => providers.Select(p => p.SignedInAccount(entityId)).FirstOrDefault(spec => spec is not null));
        var routes = new RouteTable(config.Models);
        var leaseLifetime = TimeSpan.FromSeconds(providers.Select(p => p.Config.Timeout).DefaultIfEmpty(120).Max() + 30);

        services.AddAkka("router", builder =>
        {
            builder
                .AddHocon(File.ReadAllText(Path.Combine(hoconDirectory, "router.conf")), HoconAddMode.Prepend)
                .AddHocon(PersistenceHocon.For(config.Auth.Store, config.Auth.Dir, config.Auth.ConnectionString), HoconAddMode.Prepend)
                .AddHocon(SealedAccountSerializer.Hocon(config.Auth.Dir), HoconAddMode.Prepend)
                .AddHocon(ShardingTuning.Hocon, HoconAddMode.Prepend)
                .AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append)
                .ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = config.Logging.Level == "debug" ? Akka.Event.LogLevel.InfoLevel : Akka.Event.LogLevel.WarningLevel;
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                .WithRemoting(config.Cluster.Enabled ? config.Cluster.Hostname : "127.0.0.1", config.Cluster.Enabled ? config.Cluster.Port : 0)
                .WithClustering(new ClusterOptions { SeedNodes = config.Cluster.Enabled ? config.Cluster.SeedNodes.ToArray() : [] })
                .WithShardRegion<AccountRegion>(
                    "account",
                    entityId => directory.Find(entityId) is { } spec
                        ? AccountActor.PropsFor(spec, leaseLifetime)
                        : Props.Empty,
                    new AccountMessageExtractor(),
                    new ShardOptions { StateStoreMode = StateStoreMode.DData, RememberEntities = false })
                .WithShardRegion<RosterRegion>(
                    "roster",
                    provider => Props.Create(() => new RosterActor(provider)),
                    new RosterMessageExtractor(),
                    new ShardOptions { StateStoreMode = StateStoreMode.DData, RememberEntities = false })
                .WithShardRegion<SignInRegion>(
                    "signin",
                    _ => Props.Create(() => new PendingSignInActor(null)),
                    new SignInMessageExtractor(),
                    new ShardOptions { StateStoreMode = StateStoreMode.DData, RememberEntities = false })
                .WithActors((system, registry) =>
                {
                    var region = registry.Get<AccountRegion>();
                    var roster = registry.Get<RosterRegion>();
                    var routing = system.ActorOf(Props.Create(() => new RoutingActor(providers, region, roster)), "routing");
                    registry.Register<RoutingActor>(routing);
                    var services = system.ActorOf(Props.Create(() => new ServiceSupervisor(config.Providers, config.Logging.Dir, http)), "services");
                    registry.Register<ServiceSupervisor>(services);
                })
                .AddStartup((system, _) =>
                {
                    // A cluster of one joins itself; a real cluster joins its seed nodes.
                    if (!config.Cluster.Enabled)
                        Cluster.Get(system).Join(Cluster.Get(system).SelfAddress);
                })
                .AddStartup(async (system, _) => await ResealPlainRowsAsync(system, config.Auth));
        });
        services.AddSingleton(routes);
        services.AddSingleton<RequestDispatcher>();
        return services;
    }

    /// <summary>Seals the credentials an earlier version stored in clear text; a failure is logged, never fatal.</summary>
    private static async Task ResealPlainRowsAsync(ActorSystem system, AuthConfig auth)
    {
        try
        {
            var connection = PersistenceHocon.ConnectionString(auth.Store, auth.Dir, auth.ConnectionString);
            await new PlainRowResealing(system, auth.Store, connection).RunAsync(SealedAccountSerializer.Id, SealedAccountSerializer.SealedTypes);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or System.Runtime.Serialization.SerializationException or InvalidOperationException)
        {
            system.Log.Warning("Could not seal the credentials an earlier version stored in clear text: {0}", e.Message);
        }
    }
}
