using System.Diagnostics;
using System.Net;
using Router.Tests.Fakes;
using Xunit.Abstractions;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Cluster;

/// <summary>
/// N router nodes on one PostgreSQL database, every node a seed (seed_nodes lists all, in order).
/// The first node starts alone (it makes the key ring every node shares), then the others. Reusable:
/// start, kill -9, stop, restart a node, cut or restore its link, talk to it over HTTP.
/// </summary>
public sealed class RouterCluster : IAsyncDisposable
{
    public const string ApiKey = "sk-cluster-test";
    /// <summary>cluster.secret, the same on every node: it seals the credentials leases carry between nodes.</summary>
    public const string ClusterSecret = "cluster-secret-for-tests-0123456789";
    public const string ManagementKey = "mk-cluster-test";

    private readonly ClusterEnvironment _env;
    private readonly ITestOutputHelper _output;
    private readonly string _root;

    public IReadOnlyList<ClusterNode> Nodes { get; }
    public ClusterNetwork Network => _env.Network;

    private RouterCluster(ClusterEnvironment env, ITestOutputHelper output, string root, IReadOnlyList<ClusterNode> nodes) =>
        (_env, _output, _root, Nodes) = (env, output, root, nodes);

    /// <param name="providers">The `providers:` block body (indented two spaces); fakes listen on <see cref="ClusterNetwork.HostAddress"/>.</param>
    /// <param name="routes">The `models.routing:` entries (indented four spaces).</param>
    public static async Task<RouterCluster> CreateAsync(ClusterEnvironment env, ITestOutputHelper output, int count, string providers, string routes)
    {
        if (env.Network.Fallback is { } why) output.WriteLine(why);
        var database = await env.Postgres.CreateDatabaseAsync();
        var root = Directory.CreateTempSubdirectory("router-cluster-").FullName;
        var keys = Path.Combine(root, "keys");
        Directory.CreateDirectory(keys);
        var addresses = new List<NodeAddress>();
        for (var i = 0; i < count; i++) addresses.Add(await env.Network.AddNodeAsync());
        var ports = addresses.Select(_ => (Http: FreePort(), Akka: FreePort())).ToList();
        var seeds = string.Join(", ", addresses.Select((a, i) => $"\"akka.tcp://router@{a.Address}:{ports[i].Akka}\""));
        var nodes = new List<ClusterNode>();
        for (var i = 0; i < count; i++)
        {
            var dir = Path.Combine(root, $"node{i + 1}");
            Directory.CreateDirectory(Path.Combine(dir, "auth"));
            // One key ring for the cluster: a credential sealed on one node opens on every other.
            File.CreateSymbolicLink(Path.Combine(dir, "auth", "keys"), keys);
            File.WriteAllText(Path.Combine(dir, "config.unified.yaml"), $"""
                server: {"{"} host: {addresses[i].Address}, port: {ports[i].Http}, api_keys: [{ApiKey}], management_key: {ManagementKey}, shutdown_timeout: 10 {"}"}
                auth: {"{"} dir: ./auth, store: postgres, connection_string: "{env.Postgres.ConnectionString(env.Network.HostAddress, database)}" {"}"}
                logging: {"{"} dir: ./logs, level: info, request_log: true {"}"}
                cluster:
                  enabled: true
                  hostname: {addresses[i].Address}
                  port: {ports[i].Akka}
                  seed_nodes: [{seeds}]
                  secret: {ClusterSecret}
                providers:
                {providers}
                models:
                  routing:
                {routes}
                """);
            nodes.Add(new ClusterNode($"node{i + 1}", addresses[i], dir, ports[i].Http, ports[i].Akka, ApiKey));
        }
        var cluster = new RouterCluster(env, output, root, nodes);
        output.WriteLine($"cluster of {count} on {(env.Network.Isolated ? "network namespaces" : "127.0.0.x")}: {string.Join(", ", nodes.Select(n => n.AkkaAddress))}");
        return cluster;
    }

    /// <summary>Starts every node (the first alone, then the rest) and waits until each sees all of them Up.</summary>
    public async Task StartAllAsync(TimeSpan? within = null)
    {
        var watch = Stopwatch.StartNew();
        Nodes[0].Start();
        await WaitAsync(async () => (await Nodes[0].HealthAsync()).Status == HttpStatusCode.OK, "node1 ready", TimeSpan.FromSeconds(90));
        foreach (var node in Nodes.Skip(1)) node.Start();
        await WaitConvergedAsync(Nodes, within ?? TimeSpan.FromSeconds(90));
        _output.WriteLine($"{Nodes.Count} nodes Up on every node after {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>Waits until each of <paramref name="nodes"/> sees exactly these nodes as Up and reachable members.</summary>
    public async Task WaitConvergedAsync(IReadOnlyCollection<ClusterNode> nodes, TimeSpan within)
    {
        var expected = nodes.Select(n => n.AkkaAddress).ToHashSet();
        await WaitAsync(async () =>
        {
            foreach (var node in nodes)
                if (!(await node.UpMembersAsync()).SetEquals(expected)) return false;
            return true;
        }, $"{string.Join(", ", nodes.Select(n => n.Name))} to see each other Up", within);
    }

    /// <summary>Polls a condition until it holds; throws with the nodes' last output when it does not in time.</summary>
    public async Task WaitAsync(Func<Task<bool>> condition, string what, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                DumpLogs();
                throw new Xunit.Sdk.XunitException($"Timed out after {within.TotalSeconds:0} s waiting for: {what}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Sends one chat request to <paramref name="node"/>; fails with every node's last output unless it answers 200.</summary>
    public async Task AssertServesAsync(ClusterNode node, string model)
    {
        var (status, detail) = await ClusterLoad.SendAsync(node, model);
        if (status == HttpStatusCode.OK) return;
        DumpLogs(80);
        throw new Xunit.Sdk.XunitException($"{node.Name}: {status} {detail}");
    }

    /// <summary>The tail of every node's output into the test output (for a failure's story).</summary>
    public void DumpLogs(int lines = 40)
    {
        foreach (var node in Nodes)
        {
            _output.WriteLine($"==== {node.Name} ({node.AkkaAddress}) last {lines} lines ====");
            foreach (var line in node.Output.Split('\n').TakeLast(lines)) _output.WriteLine(line.TrimEnd());
        }
    }

    public void Say(string line) => _output.WriteLine(line);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
        foreach (var node in Nodes) await _env.Network.RemoveAsync(node.Net);
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
