using System.Diagnostics;

namespace Bench;

/// <summary>
/// --cluster: three router nodes (every node a seed, persistence on a private PostgreSQL) against the router alone on
/// SQLite, all on the same CPU (CPU 1 when pinned; client, fake upstream and PostgreSQL on CPU 0). Measures throughput
/// with the load spread over the nodes and on one node, a lease that crosses nodes (a provider with a slot limit, whose
/// every lease asks its account entity) on the entity's node and on another, and how long an account-state change made
/// through one node takes to reach every node's view.
/// </summary>
static class ClusterRun
{
    public const int SinglePort = 18604, PgPort = 18620, FakePort = 18640, CoolPort = 18641;
    private static readonly int[] HttpPorts = [18601, 18602, 18603], AkkaPorts = [18611, 18612, 18613];
    private const int Rounds = 5;
    private const int ChurnPerSecond = 10;
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(5);

    public static async Task<ClusterSection> Run(Options o, BuiltEnv env, string repo)
    {
        var sec = new ClusterSection
        {
            When = DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm zzz"),
            Command = "dotnet run -c Release --project bench/Runner -- --cluster" + (o.Quick ? " --quick" : "") + (o.Pin ? "" : " --no-pin") + (o.Prewarm != Options.DefaultPrewarm ? $" --prewarm {o.Prewarm}" : ""),
            Commit = env.Commit, RouterSource = env.RouterSource, Pinned = Children.Pin,
            WarmupS = o.Warmup, DurationS = o.Duration, Chunks = o.Chunks, LoadAvgBefore = LoadRun.LoadAvg(),
        };
        foreach (var port in HttpPorts.Concat(AkkaPorts).Append(SinglePort).Append(PgPort).Append(FakePort).Append(CoolPort))
            Procs.EnsureFree(port, "--cluster");
        var root = Directory.CreateTempSubdirectory("router-bench-cluster-").FullName;
        int? routerCpu = Children.Pin ? 1 : null, sideCpu = Children.Pin ? 0 : null;
        var fake = Procs.StartFake(env, FakePort, o.Chunks, 0);
        var nodes = new List<ClusterNode>();
        try
        {
            await Procs.WaitReady(fake, $"http://127.0.0.1:{FakePort}/stats", s => s == 200, TimeSpan.FromSeconds(30));
            await using var cool = new ClusterCoolUpstream(CoolPort);
            Console.WriteLine("cluster: starting a private PostgreSQL");
            await using var pg = await ClusterPostgres.Start(repo, PgPort, sideCpu);
            var m = new Measurer(o, sec);

            // The router alone, on SQLite: the bench's usual router.
            var single = ClusterNodes.Single(root, SinglePort, FakePort, CoolPort);
            ClusterNodes.Start(single, env, routerCpu);
            sec.Procs["single"] = new ProcStats { StartupMs = await Procs.WaitReady(single.Proc!, single.Url + "/v1/health", s => s == 200, TimeSpan.FromSeconds(60)) };
            await Preflight(single, o, sec);
            await IdleCpu([single], sec);
            // Measured cold, the first runs compared code at different JIT tiers (the three nodes' first JSON run took
            // 0.28 ms of CPU a request, the same load minutes later 0.11 ms): every router gets the load run's prewarm.
            await Load.Prewarm("cluster prewarm", "router", [Gpt(single)], 64, o);
            Console.WriteLine($"{"run",-34} {"ok/s",8} {"p50 ms",8} {"p99 ms",8} {"errors",6}  router CPU % of a core");
            IReadOnlyList<ClusterNode> alone = [single];
            await m.Measure("single-json-c64", "one router alone (SQLite), API key", [Gpt(single)], false, 64, alone);
            await m.Measure("single-stream-c64", "one router alone (SQLite), API key", [Gpt(single)], true, 64, alone);
            await m.Measure("single-slot-json-c1", "one router alone (SQLite), slot-limited account", [Slot(single)], false, 1, alone);
            await m.Measure("single-slot-json-c64", "one router alone (SQLite), slot-limited account", [Slot(single)], false, 64, alone);
            await m.Measure("single-json-c1", "one router alone (SQLite), API key", [Gpt(single)], false, 1, alone);
            sec.Procs["single"].PeakRssMb = Native.StatusKb(single.Proc!.Pid, "VmHWM") / 1024.0;
            Children.Stop(single.Proc!);

            // Three nodes on PostgreSQL.
            nodes.AddRange(ClusterNodes.Cluster(root, HttpPorts, AkkaPorts, pg.ConnectionString, FakePort, CoolPort));
            Console.WriteLine("cluster: starting three nodes");
            sec.FormedMs = await ClusterNodes.Form(nodes, env, routerCpu, sec.Procs, TimeSpan.FromSeconds(120));
            Console.WriteLine($"cluster: three nodes Up on every node {sec.FormedMs / 1000:0.0} s after the first started");
            var hosts = await ClusterNodes.SettledAccountHosts(nodes[0], nodes, TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(60));
            sec.AccountHosts = hosts.ToDictionary(h => h.Key, h => h.Value.Node);
            Console.WriteLine("cluster: account entities on " + string.Join(", ", sec.AccountHosts.Select(h => $"{h.Key} → {h.Value}")));
            foreach (var n in nodes) await Preflight(n, o, sec);
            await IdleCpu(nodes, sec);
            await Load.Prewarm("cluster prewarm", "router", nodes.Select(Gpt), 64, o);

            var slotHost = nodes.First(n => n.Name == sec.AccountHosts["slot-openai"]);
            var slotRemote = nodes.First(n => n != slotHost);
            await m.Measure("spread-json-c64", "three nodes, load spread round robin, API key", nodes.Select(Gpt).ToList(), false, 64, nodes);
            await m.Measure("spread-stream-c64", "three nodes, load spread round robin, API key", nodes.Select(Gpt).ToList(), true, 64, nodes);
            await m.Measure("one-json-c64", $"one node of the three ({slotRemote.Name}), API key", [Gpt(slotRemote)], false, 64, nodes);
            await m.Measure("one-stream-c64", $"one node of the three ({slotRemote.Name}), API key", [Gpt(slotRemote)], true, 64, nodes);
            await m.Measure("one-json-c1", $"one node of the three ({slotRemote.Name}), API key", [Gpt(slotRemote)], false, 1, nodes);
            await m.Measure("slot-local-json-c1", $"slot-limited account, on its entity's node ({slotHost.Name})", [Slot(slotHost)], false, 1, nodes);
            await m.Measure("slot-remote-json-c1", $"slot-limited account, from another node ({slotRemote.Name}): lease crosses nodes", [Slot(slotRemote)], false, 1, nodes);
            await m.Measure("slot-local-json-c64", $"slot-limited account, on its entity's node ({slotHost.Name})", [Slot(slotHost)], false, 64, nodes);
            await m.Measure("slot-remote-json-c64", $"slot-limited account, from another node ({slotRemote.Name}): lease crosses nodes", [Slot(slotRemote)], false, 64, nodes);

            var after = await ClusterNodes.AccountHosts(nodes[0], nodes, TimeSpan.FromSeconds(10));
            if (after["slot-openai"].Node != slotHost.Name)
                sec.Notes.Add($"slot-openai's entity moved from {slotHost.Name} to {after["slot-openai"].Node} during the slot runs: their local/remote labels may be wrong");
            var (coolEntity, coolHostName) = after["cool-openai"];
            var via = nodes.First(n => n.Name != coolHostName);
            await PropagationRounds(sec, nodes, via, coolEntity, coolHostName);

            // The hot path while account state changes: ten resets a second (each persisted, then published to every node).
            var turn = 0;
            await m.Measure("spread-json-c64-churn", $"three nodes, load spread, while {ChurnPerSecond} account-state changes/s are published",
                nodes.Select(Gpt).ToList(), false, 64, nodes, async ct =>
                {
                    while (!ct.IsCancellationRequested)
                    {
                        try { await ClusterNodes.Reset(nodes[turn++ % nodes.Count], coolEntity); } catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
                        try { await Task.Delay(1000 / ChurnPerSecond, ct); } catch (OperationCanceledException) { }
                    }
                });

            foreach (var n in nodes)
            {
                sec.Procs[n.Name].PeakRssMb = Native.StatusKb(n.Proc!.Pid, "VmHWM") / 1024.0;
                if (!n.Proc.Alive) sec.Notes.Add($"{n.Name} is not running at the end (exit {n.Proc.Proc.ExitCode})");
                foreach (var p in LoadRun.LogProblems(n.Proc)) sec.Notes.Add(p);
            }
            foreach (var n in nodes) Children.Stop(n.Proc!); // before PostgreSQL stops
        }
        finally
        {
            foreach (var n in nodes) if (n.Proc is not null) Children.Stop(n.Proc);
            Children.Stop(fake);
            sec.LoadAvgAfter = LoadRun.LoadAvg();
            try { Directory.Delete(root, true); } catch { }
        }
        return sec;
    }

    private static Target Gpt(ClusterNode n) => new($"{n.Name}-gpt", $"{n.Name} openai→openai", n.Url + "/v1/chat/completions", "gpt-bench", new(), "openai");
    private static Target Slot(ClusterNode n) => new($"{n.Name}-slot", $"{n.Name} slot-limited", n.Url + "/v1/chat/completions", "slot-bench", new(), "openai");

    /// <summary>One JSON and one streamed call on the API-key route and one on the slot-limited route must succeed; then a short
    /// unrecorded load on each (so the measured runs find the code compiled and the pools grown, as in a long-running router).</summary>
    private static async Task Preflight(ClusterNode n, Options o, ClusterSection sec)
    {
        using var client = Load.NewClient(4);
        foreach (var (t, stream) in new[] { (Gpt(n), false), (Gpt(n), true), (Slot(n), false) })
        {
            var r = await Load.Send(client, t, stream, Load.Body(t.Model, stream), o.Chunks, CancellationToken.None);
            if (!r.Ok) sec.Notes.Add($"preflight: {t.Label} {(stream ? "stream" : "JSON")} failed: {r.Error}");
            await Load.Closed(t, stream, 16, TimeSpan.Zero, TimeSpan.FromSeconds(1.5), o.Chunks);
        }
    }

    /// <summary>CPU each router process uses over a few seconds without requests, in % of one core: what simply being up costs.</summary>
    private static async Task IdleCpu(IEnumerable<ClusterNode> routers, ClusterSection sec)
    {
        var list = routers.ToList();
        var before = list.ToDictionary(n => n.Name, n => Native.CpuTicks(n.Proc!.Pid) ?? 0);
        var watch = Stopwatch.StartNew();
        await Task.Delay(IdleWindow);
        foreach (var n in list)
        {
            sec.Procs[n.Name].IdleRssMb = Native.StatusKb(n.Proc!.Pid, "VmRSS") / 1024.0;
            sec.IdleCpuPct[n.Name] = ((Native.CpuTicks(n.Proc.Pid) ?? before[n.Name]) - before[n.Name]) / watch.Elapsed.TotalSeconds;
        }
        Console.WriteLine("idle: " + string.Join(", ", list.Select(n => $"{n.Name} {sec.IdleCpuPct[n.Name]:0.0}% CPU, {sec.Procs[n.Name].IdleRssMb:0.0} MB")));
    }

    /// <summary>
    /// Rounds of: a call through VIA whose upstream answers 429 (the account, hosted elsewhere, starts a cooldown), timed
    /// until every node's view shows the cooldown; then a reset through VIA, timed until every node's view shows it cleared.
    /// </summary>
    private static async Task PropagationRounds(ClusterSection sec, List<ClusterNode> nodes, ClusterNode via, string entityId, string host)
    {
        using var client = Load.NewClient(4);
        var cool = new Target("cool", "cool", via.Url + "/v1/chat/completions", "cool-bench", new(), "openai");
        var body = Load.Body(cool.Model, false);
        var cooldown = new Propagation { Change = "cooldown (the upstream answered 429)", Via = via.Name, Host = host, Rounds = Rounds };
        var reset = new Propagation { Change = "reset (cooldown cleared by an operator)", Via = via.Name, Host = host, Rounds = Rounds };
        var seen = nodes.ToDictionary(n => n.Name, _ => (Cool: new List<double>(), Reset: new List<double>()));
        var answers = new List<double>();
        var resetAnswers = new List<double>();
        for (var i = -1; i < Rounds; i++) // round -1 warms the error path and is not counted
        {
            var t0 = Stopwatch.GetTimestamp();
            var send = Load.Send(client, cool, false, body, 1, CancellationToken.None)
                .ContinueWith(_ => Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            var times = await Task.WhenAll(nodes.Select(n => SeenAfter(n, t0, true)));
            var answered = await send;
            if (i >= 0)
            {
                answers.Add(answered);
                for (var k = 0; k < nodes.Count; k++) if (times[k] is { } ms) seen[nodes[k].Name].Cool.Add(ms); else cooldown.Missed++;
            }

            var t1 = Stopwatch.GetTimestamp();
            var post = ClusterNodes.Reset(via, entityId).ContinueWith(t => (Status: t.Result, Ms: Stopwatch.GetElapsedTime(t1).TotalMilliseconds));
            times = await Task.WhenAll(nodes.Select(n => SeenAfter(n, t1, false)));
            var (status, resetMs) = await post;
            if (status != 200) sec.Notes.Add($"reset through {via.Name} answered {status}");
            if (i < 0) continue;
            resetAnswers.Add(resetMs);
            for (var k = 0; k < nodes.Count; k++) if (times[k] is { } ms) seen[nodes[k].Name].Reset.Add(ms); else reset.Missed++;
        }
        foreach (var (name, (c, r)) in seen)
        {
            cooldown.SeenMs[name] = Stat(c);
            reset.SeenMs[name] = Stat(r);
        }
        answers.Sort();
        resetAnswers.Sort();
        cooldown.AnswerMs = Load.Pct(answers, 0.5);
        reset.AnswerMs = Load.Pct(resetAnswers, 0.5); // the reset answers once the account has persisted and published it
        sec.Propagations.Add(cooldown);
        sec.Propagations.Add(reset);
        foreach (var p in sec.Propagations)
            Console.WriteLine($"propagation: {p.Change} via {p.Via} (entity on {p.Host}): " + string.Join(", ", p.SeenMs.Select(s => $"{s.Key} {s.Value[0]:0.0}/{s.Value[1]:0.0} ms")) +
                              (p.Missed > 0 ? $"; {p.Missed} never seen" : ""));
    }

    private static double[] Stat(List<double> xs)
    {
        xs.Sort();
        return xs.Count == 0 ? [double.NaN, double.NaN] : [Load.Pct(xs, 0.5)!.Value, xs[^1]];
    }

    /// <summary>Polls NODE's view every 2 ms until the account's cooldown is (or is no longer) shown; ms since T0, or null after 10 s.</summary>
    private static async Task<double?> SeenAfter(ClusterNode node, long t0, bool cooling)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!cts.IsCancellationRequested)
        {
            if (await ClusterNodes.CoolingDown(node, "cool-openai", cts.Token) == cooling) return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            try { await Task.Delay(2, cts.Token); } catch (OperationCanceledException) { }
        }
        return null;
    }

    /// <summary>Runs one closed-loop measurement and reads every router process's CPU time around it.</summary>
    private sealed class Measurer(Options o, ClusterSection sec)
    {
        public async Task Measure(string key, string label, IReadOnlyList<Target> targets, bool stream, int conc, IReadOnlyList<ClusterNode> routers,
            Func<CancellationToken, Task>? background = null)
        {
            var before = routers.ToDictionary(n => n.Name, n => Native.CpuTicks(n.Proc!.Pid) ?? 0);
            var watch = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource();
            var side = background?.Invoke(stop.Token) ?? Task.CompletedTask;
            var r = await Load.Closed(targets, stream, conc, TimeSpan.FromSeconds(o.Warmup), TimeSpan.FromSeconds(o.Duration), o.Chunks);
            stop.Cancel();
            await side;
            var seconds = watch.Elapsed.TotalSeconds;
            var cpu = routers.ToDictionary(n => n.Name, n => ((Native.CpuTicks(n.Proc!.Pid) ?? before[n.Name]) - before[n.Name]) / seconds); // ticks are 1/100 s: = % of a core
            r.Target = key;
            var mes = new ClusterMeasure
            {
                Key = key, Label = label, Run = r, CpuPct = cpu,
                CpuMsPerRequest = r.Rps > 0 ? cpu.Values.Sum() / 100 * seconds * 1000 / (r.Rps * seconds) : null,
            };
            sec.Runs.Add(mes);
            Console.WriteLine($"{key,-34} {r.Rps,8:0} {r.P50,8:0.00} {r.P99,8:0.00} {r.Errors,6}  " + string.Join(" ", cpu.Select(c => $"{c.Key} {c.Value:0}%")) +
                              $"  ({mes.CpuMsPerRequest:0.000} ms CPU/request)" + (r.FirstError is null ? "" : $"  first error: {r.FirstError}"));
            await Task.Delay(300);
        }
    }
}
