using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Akka.Remote.Hosting;

// Usage: Floor --floor aspnet|actors|cluster|persistence --config ROUTER-CONFIG.yaml (only server.port and auth.dir are read).
// Each floor adds one layer of the design: Kestrel alone; an actor system with one actor; remoting, a cluster
// of one and a shard region of in-memory entities; the same entities persistent on Akka.Persistence.Sql (SQLite).
var floor = Arg("--floor") ?? "aspnet";
if (floor is not ("aspnet" or "actors" or "cluster" or "persistence"))
    throw new ArgumentException($"--floor {floor}: expected aspnet, actors, cluster or persistence");
var config = File.ReadAllText(Arg("--config") ?? throw new ArgumentException("--config is required"));
var port = int.Parse(Regex.Match(config, @"port:\s*(\d+)").Groups[1].Value);
var dir = Regex.Match(config, @"dir:\s*([^\s},]+)").Groups[1].Value;

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseKestrel(k => k.ListenLocalhost(port));
var persistent = floor == "persistence";
if (floor == "actors")
    builder.Services.AddAkka("floor", akka => akka.WithActors((system, registry) =>
        registry.Register<Counter>(system.ActorOf(Props.Create(() => new Counter("one")), "counter"))));
else if (floor is "cluster" or "persistence")
{
    Directory.CreateDirectory(dir);
    var db = $"\"Data Source={Path.Combine(dir, "floor.db")};Pooling=True\"";
    builder.Services.AddAkka("floor", akka =>
    {
        if (persistent)
            akka.AddHocon($$"""
                akka.persistence {
                  journal.plugin = "akka.persistence.journal.sql"
                  snapshot-store.plugin = "akka.persistence.snapshot-store.sql"
                  journal.sql { connection-string = {{db}}, provider-name = "SQLite.MS", auto-initialize = true }
                  snapshot-store.sql { connection-string = {{db}}, provider-name = "SQLite.MS", auto-initialize = true }
                }
                """, HoconAddMode.Prepend)
                .AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append);
        akka.WithRemoting(new RemoteOptions { HostName = "127.0.0.1", Port = 0 })
            .WithClustering(new ClusterOptions { SeedNodes = [] })
            .WithShardRegion<Counter>("counter",
                id => persistent ? Props.Create(() => new PersistentCounter(id)) : Props.Create(() => new Counter(id)),
                new CounterExtractor(), new ShardOptions { StateStoreMode = StateStoreMode.DData, RememberEntities = false })
            .AddStartup(async (system, _) =>
            {
                var cluster = Akka.Cluster.Cluster.Get(system);
                var up = new TaskCompletionSource();
                cluster.RegisterOnMemberUp(() => up.TrySetResult());
                await cluster.JoinAsync(cluster.SelfAddress);
                await up.Task;
            });
    });
}
var app = builder.Build();
app.MapGet("/v1/health", async (HttpContext c) =>
{
    // An actor floor answers once its entity has answered (a persistent one after recovering from the journal),
    // as the router's health asks its accounts.
    if (floor != "aspnet")
    {
        var region = c.RequestServices.GetRequiredService<IRequiredActor<Counter>>().ActorRef;
        await region.Ask<int>(new Touch("one"), TimeSpan.FromSeconds(10));
    }
    return Results.Text("{\"floor\":\"" + floor + "\"}", "application/json");
});
// The router gives its start-up garbage back at its first quiet second (IdleHeapTrim): so does every floor, one
// second after its first answer, or the young generation's budget (large on a CPU with a large cache) would count.
var answered = 0;
app.Use(async (c, next) =>
{
    await next();
    if (Interlocked.Exchange(ref answered, 1) == 0)
        _ = Task.Delay(TimeSpan.FromSeconds(1)).ContinueWith(_ =>
        {
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        });
});
app.Run();

string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

sealed record Touch(string Id);

sealed class CounterExtractor : HashCodeMessageExtractor
{
    public CounterExtractor() : base(10) { }
    public override string EntityId(object message) => message is Touch t ? t.Id : "";
}

/// <summary>One entity in memory: it answers the count of touches.</summary>
sealed class Counter : ReceiveActor
{
    private int _count;

    public Counter(string id) => Receive<Touch>(_ => Sender.Tell(++_count));
}

/// <summary>One persistent entity: it recovers, persists one event per touch and answers the count.</summary>
sealed class PersistentCounter : ReceivePersistentActor
{
    private int _count;
    public override string PersistenceId { get; }

    public PersistentCounter(string id)
    {
        PersistenceId = "counter-" + id;
        Recover<int>(n => _count = n);
        Command<Touch>(_ => Persist(_count + 1, n => { _count = n; Sender.Tell(n); }));
    }
}
