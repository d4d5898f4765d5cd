using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Router.Actors.ClusterState;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Router.Actors.Accounts;
using Router.Actors.Configuration;
using Router.Actors.Hosting;
using Router.Actors.Providers;
using Router.Actors.SignIn;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.ClusterState;

/// <summary>
/// Three real routers in this test process, each an Akka cluster node on its own loopback port,
/// joined through the first; they share one auth dir (its SQLite journal and key ring), as nodes on
/// PostgreSQL share a database and a key ring.
/// </summary>
public sealed class RouterCluster : IAsyncDisposable
{
    public required IReadOnlyList<RouterUnderTest> Nodes { get; init; }
    public required CapturedLog Log { get; init; }

    public static async Task<RouterCluster> StartAsync(RouterConfig config, int size = 3)
    {
        var ports = Enumerable.Range(0, size).Select(_ => FreePort()).ToList();
        var seed = $"akka.tcp://router@127.0.0.1:{ports[0]}";
        var log = new CapturedLog();
        var nodes = new List<RouterUnderTest>();
        foreach (var port in ports)
            nodes.Add(await RouterUnderTest.StartAsync(config with
            {
                Cluster = new ClusterConfig { Enabled = true, Hostname = "127.0.0.1", Port = port, SeedNodes = [seed], Secret = "in-process-cluster-secret-0123456789" },
            }, log));
        var cluster = new RouterCluster { Nodes = nodes, Log = log };
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(nodes.All(n =>
            Akka.Cluster.Cluster.Get(SystemOf(n)).State.Members.Count(m => m.Status == MemberStatus.Up) == size)), "every node sees all members Up", 30_000);
        await cluster.WaitForSubscriptionsAsync();
        return cluster;
    }

    /// <summary>
    /// Until every node knows the topic subscriptions of every other node (they spread by gossip about
    /// a second after a node starts): a probe subscribed on each node after its provider actors must
    /// hear a message published on every node. A node's registry entries travel in version order, so
    /// a node that knows another's probe knows that node's provider actors too.
    /// </summary>
    private async Task WaitForSubscriptionsAsync()
    {
        const string topic = "router.test-ready";
        var heard = Nodes.Select(_ => new ConcurrentDictionary<int, bool>()).ToList();
        for (var i = 0; i < Nodes.Count; i++)
        {
            var mine = heard[i];
            var probe = SystemOf(Nodes[i]).ActorOf(Props.Create(() => new ReadyProbe(mine)));
            DistributedPubSub.Get(SystemOf(Nodes[i])).Mediator.Tell(new Subscribe(topic, probe));
        }
        await RouterUnderTest.EventuallyAsync(() =>
        {
            for (var i = 0; i < Nodes.Count; i++)
                DistributedPubSub.Get(SystemOf(Nodes[i])).Mediator.Tell(new Publish(topic, i));
            return Task.FromResult(heard.All(h => h.Count == Nodes.Count));
        }, "every node knows every subscription", 15_000);
    }

    public static ActorSystem SystemOf(RouterUnderTest node) => node.Services.GetRequiredService<ActorSystem>();

    public static Address AddressOf(RouterUnderTest node) => Akka.Cluster.Cluster.Get(SystemOf(node)).SelfAddress;

    /// <summary>This node's provider actor's view of the provider's accounts.</summary>
    public static async Task<ProviderStatus> ViewAsync(RouterUnderTest node, string provider)
    {
        var catalog = await node.Services.GetRequiredService<AccountSignIn>().CatalogAsync(CancellationToken.None);
        return await catalog.Find(provider)!.StatusAsync(TimeSpan.FromSeconds(3));
    }

    /// <summary>The account entity's own snapshot (asked through this node's shard region).</summary>
    public static Task<AccountSnapshot> AccountAsync(RouterUnderTest node, string entityId) =>
        node.Services.GetRequiredService<IRequiredActor<AccountRegion>>().ActorRef
            .Ask<AccountSnapshot>(new GetAccountStatus(entityId), TimeSpan.FromSeconds(3));

    /// <summary>The node whose shard region hosts the account's entity (asking only the nodes not <paramref name="gone"/>).</summary>
    public async Task<int> HostOfAsync(string entityId, int gone = -1)
    {
        var alive = Enumerable.Range(0, Nodes.Count).Where(i => i != gone).ToList();
        var host = -1;
        await RouterUnderTest.EventuallyAsync(async () =>
        {
            try
            {
                await AccountAsync(Nodes[alive[0]], entityId); // wakes it
                foreach (var i in alive)
                {
                    var region = Nodes[i].Services.GetRequiredService<IRequiredActor<AccountRegion>>().ActorRef;
                    var state = await region.Ask<Akka.Cluster.Sharding.CurrentShardRegionState>(Akka.Cluster.Sharding.GetShardRegionState.Instance, TimeSpan.FromSeconds(3));
                    if (state.Shards.Any(s => s.EntityIds.Contains(entityId))) host = i;
                }
                return host >= 0;
            }
            catch (AskTimeoutException)
            {
                return false; // a region still registering with its coordinator
            }
        }, "a node hosts " + entityId, 20_000);
        return host;
    }

    /// <summary>Downs a node from another one, as the split brain resolver does with a node that died; measures nothing itself.</summary>
    public void Down(int victim, int from) => Akka.Cluster.Cluster.Get(SystemOf(Nodes[from])).Down(AddressOf(Nodes[victim]));

    /// <summary>Polls until the condition holds; answers how long it took.</summary>
    public static async Task<TimeSpan> TimeUntilAsync(Func<Task<bool>> condition, string what, int timeoutMs)
    {
        var clock = Stopwatch.StartNew();
        await RouterUnderTest.EventuallyAsync(condition, what, timeoutMs);
        return clock.Elapsed;
    }

    private sealed class ReadyProbe : ReceiveActor
    {
        public ReadyProbe(ConcurrentDictionary<int, bool> heard)
        {
            Receive<int>(from => heard[from] = true);
            Receive<SubscribeAck>(_ => { });
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The last node first: the seed stays until the others have left.
        foreach (var node in Nodes.Reverse())
        {
            try { await node.DisposeAsync(); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException) { }
        }
    }
}
