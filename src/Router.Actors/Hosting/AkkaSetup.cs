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
using Router.Actors.Hosting.Cluster;
using Router.Actors.Providers;
using Router.Actors.Routing;
using Router.Actors.Serialization;
using Router.Actors.Services;
using Router.Actors.Telemetry;
using Router.Persistence;
using Router.Persistence.Usage;

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
        var usageStore = new UsageStore(config.Auth.Store, PersistenceHocon.ConnectionString(config.Auth.Store, config.Auth.Dir, config.Auth.ConnectionString));
        var usageTally = new UsageTally();
        var catalog = new LiveCatalog();
        var leaseLifetime = TimeSpan.FromSeconds(providers.Select(p => p.Config.Timeout).DefaultIfEmpty(120).Max() + 30);

        services.AddAkka("router", builder =>
        {
            builder
                .AddHocon(File.ReadAllText(Path.Combine(hoconDirectory, "router.conf")), HoconAddMode.Prepend)
                .AddHocon(PersistenceHocon.For(config.Auth.Store, config.Auth.Dir, config.Auth.ConnectionString), HoconAddMode.Prepend)
                .AddHocon(RouterSerializer.Hocon(config.Auth.Dir, config.Cluster.Enabled ? config.Cluster.Secret : ""), HoconAddMode.Prepend)
                .AddHocon(ClusterHocon.For(config), HoconAddMode.Prepend)
                .AddHocon(ShardingTuning.Hocon, HoconAddMode.Prepend)
                .AddHocon(config.Cluster.Enabled ? "" : SingleNodeRemoting, HoconAddMode.Prepend)
                .AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append)
                .ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = config.Logging.Level == "debug" ? Akka.Event.LogLevel.InfoLevel : Akka.Event.LogLevel.WarningLevel;
                    loggers.ClearLoggers();
                    loggers.AddLogger<AkkaLogBridge>();
                })
                .WithRemoting(Remoting(config.Cluster))
                // Seed nodes are joined by ClusterJoin, not by Akka at start-up (it decides who may form a cluster).
                .WithClustering(new ClusterOptions { SeedNodes = [] })
                .WithShardRegion<AccountRegion>(
                    AccountRegion.Name,
                    entityId => directory.Find(entityId) is { } spec
                        ? AccountActor.PropsFor(spec, leaseLifetime)
                        : Props.Empty,
                    new AccountMessageExtractor(),
                    new ShardOptions { StateStoreMode = StateStoreMode.DData, RememberEntities = false })
                .WithShardRegion<RosterRegion>(
                    RosterRegion.Name,
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
                    StartupClock.Mark("actor_system_started");
                    var region = registry.Get<AccountRegion>();
                    var roster = registry.Get<RosterRegion>();
                    var routing = system.ActorOf(Props.Create(() => new RoutingActor(providers, region, roster, catalog)), "routing");
                    registry.Register<RoutingActor>(routing);
                    var services = system.ActorOf(Props.Create(() => new ServiceSupervisor(config.Providers, config.Logging.Dir, http)), "services");
                    registry.Register<ServiceSupervisor>(services);
                    registry.Register<UsageLedgerActor>(system.ActorOf(UsageLedgerActor.PropsFor(usageStore, usageTally), "usage"));
                })
                .AddStartup(async (system, _) =>
                {
                    var resolver = Akka.DependencyInjection.DependencyResolver.For(system).Resolver;
                    ClusterExit.Watch(system, resolver.GetService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>(),
                        resolver.GetService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger("Router.Cluster"));
                    var table = ClusterHocon.UsesLease(config) ? new ClusterTable(config.Auth.ConnectionString) : null;
                    await new ClusterJoin(system, table).StartAsync(config.Cluster);
                    StartupClock.Mark("cluster_joined");
                })
                .AddStartup(async (system, _) => await RewriteLegacyRowsAsync(system, config.Auth));
        });
        services.AddSingleton(routes);
        services.AddSingleton(catalog);
        services.AddSingleton(directory);
        services.AddSingleton<RequestDispatcher>();
        services.AddSingleton(usageStore);
        services.AddSingleton(usageTally);
        services.AddSingleton<UsageLedger>();
        services.AddHostedService<UsageFlushOnStop>();
        return services;
    }

    /// <summary>A cluster of one talks to no other node: one DotNetty event loop each way instead of two (fewer idle threads).</summary>
    private const string SingleNodeRemoting = """
        akka.remote.dot-netty.tcp {
          server-socket-worker-pool { pool-size-min = 1, pool-size-max = 1 }
          client-socket-worker-pool { pool-size-min = 1, pool-size-max = 1 }
        }
        """;

    /// <summary>A cluster of one listens on loopback only; a real node binds cluster.hostname and tells peers cluster.public_hostname.</summary>
    private static RemoteOptions Remoting(ClusterConfig cluster) => cluster.Enabled
        ? new RemoteOptions
        {
            HostName = cluster.Hostname,
            PublicHostName = string.IsNullOrEmpty(cluster.PublicHostname) ? cluster.Hostname : cluster.PublicHostname,
            Port = cluster.Port,
        }
        : new RemoteOptions { HostName = "127.0.0.1", Port = 0 };

    /// <summary>Rewrites the rows an earlier version stored with Akka's default JSON (sealing the credentials
    /// among them); a failure is logged, never fatal.</summary>
    private static async Task RewriteLegacyRowsAsync(ActorSystem system, AuthConfig auth)
    {
        try
        {
            var connection = PersistenceHocon.ConnectionString(auth.Store, auth.Dir, auth.ConnectionString);
            await new LegacyRowRewriting(system, auth.Store, connection).RunAsync(RouterSerializer.Id, Manifests.Table.Written.Select(e => e.Type).ToList());
        }
        catch (Exception e) when (e is System.Data.Common.DbException or System.Runtime.Serialization.SerializationException or InvalidOperationException)
        {
            system.Log.Warning("Could not rewrite the rows an earlier version stored with Akka's default JSON: {0}", e.Message);
        }
    }
}
