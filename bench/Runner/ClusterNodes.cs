using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bench;

/// <summary>One router of --cluster: a node of the cluster, or the router alone on SQLite it is compared with.</summary>
sealed record ClusterNode(string Name, int HttpPort, int AkkaPort, string Config)
{
    public Child? Proc { get; set; }
    public string Url => $"http://127.0.0.1:{HttpPort}";
    public string AkkaAddress => $"akka.tcp://router@127.0.0.1:{AkkaPort}";
}

/// <summary>Writes the routers' configs, starts them, waits for the cluster and reads their views (management API).</summary>
static class ClusterNodes
{
    public const string ManagementKey = "mk-bench-cluster";
    public const string Secret = "bench-cluster-secret-0123456789abcdef";
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    { Timeout = TimeSpan.FromSeconds(5), DefaultRequestHeaders = { { "X-Management-Key", ManagementKey } } };

    /// <summary>The providers every router serves: the bench's two (API keys, leased on the node's own fast path), one with a
    /// slot limit (every lease asks its account entity, wherever it lives) and one whose upstream always answers 429.</summary>
    private static string Providers(int fakePort, int coolPort) => $$"""
        providers:
          fake-openai: { type: openai, base_url: "http://127.0.0.1:{{fakePort}}/v1", api_keys: [sk-bench] }
          fake-anthropic: { type: anthropic, base_url: "http://127.0.0.1:{{fakePort}}", api_keys: [sk-bench] }
          slot-openai: { type: openai, base_url: "http://127.0.0.1:{{fakePort}}/v1", api_keys: [sk-slot], max_in_flight: 100000 }
          cool-openai: { type: openai, base_url: "http://127.0.0.1:{{coolPort}}/v1", api_keys: [sk-cool], cooldown: 60 }
        models:
          routing:
            - { pattern: "^gpt-", providers: [fake-openai] }
            - { pattern: "^claude-", providers: [fake-anthropic] }
            - { pattern: "^slot-", providers: [slot-openai] }
            - { pattern: "^cool-", providers: [cool-openai] }
        """;

    /// <summary>The router alone, persistence on SQLite in its own auth dir (the bench's usual router, plus the extra providers).</summary>
    public static ClusterNode Single(string root, int port, int fakePort, int coolPort)
    {
        var dir = Path.Combine(root, "single");
        Directory.CreateDirectory(dir);
        var config = Path.Combine(dir, "config.yaml");
        File.WriteAllText(config, $$"""
            server: { host: 127.0.0.1, port: {{port}}, management_key: {{ManagementKey}}{{Procs.CpuSchedulingEntry}} }
            auth: { dir: {{Path.Combine(dir, "auth")}} }
            logging: { level: warn }
            {{Providers(fakePort, coolPort)}}
            """);
        return new ClusterNode("single", port, 0, config);
    }

    /// <summary>Three nodes on 127.0.0.1, every node a seed, persistence on the one PostgreSQL, one shared key ring.</summary>
    public static List<ClusterNode> Cluster(string root, int[] httpPorts, int[] akkaPorts, string connectionString, int fakePort, int coolPort)
    {
        var keys = Path.Combine(root, "keys");
        Directory.CreateDirectory(keys);
        var seeds = string.Join(", ", akkaPorts.Select(p => $"\"akka.tcp://router@127.0.0.1:{p}\""));
        var nodes = new List<ClusterNode>();
        for (var i = 0; i < httpPorts.Length; i++)
        {
            var dir = Path.Combine(root, $"node{i + 1}");
            Directory.CreateDirectory(Path.Combine(dir, "auth"));
            File.CreateSymbolicLink(Path.Combine(dir, "auth", "keys"), keys);
            var config = Path.Combine(dir, "config.yaml");
            File.WriteAllText(config, $$"""
                server: { host: 127.0.0.1, port: {{httpPorts[i]}}, management_key: {{ManagementKey}}{{Procs.CpuSchedulingEntry}} }
                auth: { dir: {{Path.Combine(dir, "auth")}}, store: postgres, connection_string: "{{connectionString}}" }
                logging: { level: warn }
                cluster:
                  enabled: true
                  hostname: 127.0.0.1
                  port: {{akkaPorts[i]}}
                  seed_nodes: [{{seeds}}]
                  secret: {{Secret}}
                {{Providers(fakePort, coolPort)}}
                """);
            nodes.Add(new ClusterNode($"node{i + 1}", httpPorts[i], akkaPorts[i], config));
        }
        return nodes;
    }

    public static void Start(ClusterNode node, BuiltEnv env, int? cpu) =>
        node.Proc = Children.Start("cluster-" + node.Name, "dotnet", [env.RouterDll, "serve", "--config", node.Config], cpu: cpu);

    /// <summary>Starts node1 alone (it makes the key ring and forms the cluster), then the others; returns ms from node1's
    /// start until every node sees all of them Up and reachable, and each node's own start-up (to its first 200 on /v1/health).</summary>
    public static async Task<double> Form(List<ClusterNode> nodes, BuiltEnv env, int? cpu, Dictionary<string, ProcStats> procs, TimeSpan within)
    {
        var t0 = Stopwatch.GetTimestamp();
        Start(nodes[0], env, cpu);
        procs[nodes[0].Name] = new ProcStats { StartupMs = await Procs.WaitReady(nodes[0].Proc!, nodes[0].Url + "/v1/health", s => s == 200, within) };
        foreach (var n in nodes.Skip(1)) Start(n, env, cpu);
        foreach (var n in nodes.Skip(1))
            procs[n.Name] = new ProcStats { StartupMs = await Procs.WaitReady(n.Proc!, n.Url + "/v1/health", s => s == 200, within) };
        var expected = nodes.Select(n => n.AkkaAddress).ToHashSet();
        var until = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var all = true;
            foreach (var n in nodes)
            {
                if (!n.Proc!.Alive) throw new InvalidOperationException($"{n.Name} exited (code {n.Proc.Proc.ExitCode}):\n{n.Proc.TailText()}");
                if (!(await UpMembers(n)).SetEquals(expected)) { all = false; break; }
            }
            if (all) return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (Stopwatch.GetTimestamp() > until)
                throw new InvalidOperationException($"the three nodes did not see each other Up within {within.TotalSeconds:0} s:\n" +
                                                    string.Join("\n", nodes.Select(n => $"{n.Name}: {n.Proc!.TailText(5)}")));
            await Task.Delay(100);
        }
    }

    /// <summary>The members NODE's /v1/health shows Up and reachable.</summary>
    public static async Task<HashSet<string>> UpMembers(ClusterNode node)
    {
        try
        {
            var json = JsonNode.Parse(await Http.GetStringAsync(node.Url + "/v1/health"));
            return (json?["cluster"]?["members"] as JsonArray ?? new JsonArray())
                .Where(m => m?["status"]?.GetValue<string>() == "up" && m["reachable"]?.GetValue<bool>() == true)
                .Select(m => m!["address"]!.GetValue<string>()).ToHashSet();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException) { return new(); }
    }

    /// <summary>provider → (entity id, node name hosting its first account), from /v0/management/accounts; waits until every account has a node.</summary>
    public static async Task<Dictionary<string, (string EntityId, string Node)>> AccountHosts(ClusterNode ask, List<ClusterNode> nodes, TimeSpan within)
    {
        var until = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var hosts = new Dictionary<string, (string, string)>();
            var complete = true;
            try
            {
                var json = JsonNode.Parse(await Http.GetStringAsync(ask.Url + "/v0/management/accounts"));
                foreach (var a in json?["accounts"] as JsonArray ?? new JsonArray())
                {
                    var address = a?["node"]?.GetValue<string>();
                    var node = nodes.FirstOrDefault(n => n.AkkaAddress == address);
                    if (node is null) { complete = false; continue; }
                    hosts.TryAdd(a!["provider"]!.GetValue<string>(), (a["entity_id"]!.GetValue<string>(), node.Name));
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException) { complete = false; }
            if (complete && hosts.Count >= 4) return hosts;
            if (Stopwatch.GetTimestamp() > until) throw new InvalidOperationException("the accounts' nodes were not known within " + within.TotalSeconds + " s: " + string.Join(", ", hosts));
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// The account hosts once they stop moving: when the second and third nodes join, the coordinator rebalances shards
    /// off the first node (every 10 s, `rebalance-interval`), so an account may change node in the first seconds. Waits
    /// until the same assignment has held for <paramref name="stableFor"/> (at most <paramref name="within"/>).
    /// </summary>
    public static async Task<Dictionary<string, (string EntityId, string Node)>> SettledAccountHosts(ClusterNode ask, List<ClusterNode> nodes, TimeSpan stableFor, TimeSpan within)
    {
        var until = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        var hosts = await AccountHosts(ask, nodes, within);
        var since = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(since) < stableFor && Stopwatch.GetTimestamp() < until)
        {
            await Task.Delay(1000);
            var now = await AccountHosts(ask, nodes, within);
            if (now.Count == hosts.Count && !now.Except(hosts).Any()) continue;
            Console.WriteLine("cluster: account entities moved: " + string.Join(", ", now.Select(h => $"{h.Key} → {h.Value.Node}")));
            (hosts, since) = (now, Stopwatch.GetTimestamp());
        }
        return hosts;
    }

    /// <summary>NODE's own view (its provider actor's, fed by the cluster-wide topic): is PROVIDER's account cooling down?</summary>
    public static async Task<bool?> CoolingDown(ClusterNode node, string provider, CancellationToken ct)
    {
        try
        {
            var json = JsonNode.Parse(await Http.GetStringAsync(node.Url + "/v0/management/status", ct));
            var p = (json?["providers"] as JsonArray)?.FirstOrDefault(x => x?["name"]?.GetValue<string>() == provider);
            var a = (p?["accounts"] as JsonArray)?.FirstOrDefault();
            return a is null ? null : a["cooldown_until"] is not null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException) { return null; }
    }

    public static async Task<int> Reset(ClusterNode node, string entityId)
    {
        using var r = await Http.PostAsync($"{node.Url}/v0/management/accounts/{Uri.EscapeDataString(entityId)}/reset", null);
        return (int)r.StatusCode;
    }
}
