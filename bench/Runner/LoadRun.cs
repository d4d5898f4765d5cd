namespace Bench;

sealed class Results
{
    public LoadSection? Load { get; set; }
    public IdleSection? Idle { get; set; }
    public List<SoakSection> Soaks { get; set; } = new(); // one per stream count, the latest of each
    public ClusterSection? Cluster { get; set; }           // the latest --cluster run
    public OpenLoopSection? OpenLoop { get; set; }         // the latest --open-loop run
    public VersusSection? Versus { get; set; }             // the latest --versus-yarp run
}

sealed class ProcStats
{
    public double? StartupMs { get; set; }
    public double? IdleRssMb { get; set; }
    public double? PeakRssMb { get; set; }
    public double? HwmMb { get; set; }
}

sealed class LoadSection
{
    public string When { get; set; } = "";
    public string Command { get; set; } = "";
    public string Commit { get; set; } = "";
    public string RouterSource { get; set; } = "";
    public string Machine { get; set; } = "";
    public bool Pinned { get; set; }
    public double WarmupS { get; set; }
    public double DurationS { get; set; }
    public int Chunks { get; set; }
    public double OpenRate { get; set; }
    public List<string[]> Targets { get; set; } = new();           // [key, label]
    public Dictionary<string, string> NotRun { get; set; } = new(); // key -> reason
    public Dictionary<string, ProcStats> Procs { get; set; } = new();
    public List<RunResult> Runs { get; set; } = new();
    public List<string> Problems { get; set; } = new();
    public string LoadAvgBefore { get; set; } = "";
    public string LoadAvgAfter { get; set; } = "";
    public AccountSection? Accounts { get; set; } // AccountTargets.cs
}

sealed class SoakSection
{
    public string When { get; set; } = "";
    public string Command { get; set; } = "";
    public string Commit { get; set; } = "";
    public string RouterSource { get; set; } = "";
    public int Streams { get; set; }
    public int Chunks { get; set; }
    public int DelayMs { get; set; }
    public double? StartupMs { get; set; }
    public double? IdleRssMb { get; set; }
    public double? PeakRssMb { get; set; }
    public double? HwmMb { get; set; }
    public double? KbPerStream { get; set; }
    public long Completed { get; set; }
    public long Failed { get; set; }
    public long PeakOpen { get; set; }
    public long PeakRouterFds { get; set; }
    public string UpstreamHttp { get; set; } = "HTTP/1.1";
    /// <summary>Most connections the router held open to the fake at once (counted by the fake; h2c only).</summary>
    public long? PeakUpstreamConnections { get; set; }
    public long PeakRouterThreads { get; set; }
    public double? TtftP50 { get; set; }
    public double? TtftP99 { get; set; }
    public double? TtltP50 { get; set; }
    public double? TtltP99 { get; set; }
    public double? SpreadP50 { get; set; }
    public double? SpreadP99 { get; set; }
    public bool Pinned { get; set; }
    public long ListenOverflows { get; set; }
    public double RampS { get; set; }
    public double Seconds { get; set; }
    public string FdLimit { get; set; } = "";
    public bool RouterAliveAfter { get; set; }
    public int? RouterExitCode { get; set; }
    public bool FdExhausted { get; set; }
    public Dictionary<string, long> ErrorCounts { get; set; } = new();
    public List<string> Notes { get; set; } = new();
}

/// <summary>The side-by-side load run: every target, JSON and stream, closed loop at each level plus one open-loop rate.</summary>
static class LoadRun
{
    public const int FakePort = 18400, YarpPort = 18500, RouterPort = 18317, PortkeyPort = 8787;

    // The targets the load run and --open-loop both compare, on the ports above.
    private static readonly Dictionary<string, string> Bearer = new() { ["Authorization"] = "Bearer sk-bench" };
    public static readonly Target Direct = new("direct", "direct (client → fake)", $"http://127.0.0.1:{FakePort}/v1/chat/completions", "gpt-bench", Bearer, "openai");
    public static readonly Target Yarp = new("yarp", "YARP pass-through", $"http://127.0.0.1:{YarpPort}/v1/chat/completions", "gpt-bench", Bearer, "openai");
    public static readonly Target RouterOpenAi = new("router-openai", "router openai→openai", $"http://127.0.0.1:{RouterPort}/v1/chat/completions", "gpt-bench", new(), "openai");
    public static readonly Target RouterAnthropic = new("router-anthropic", "router openai→anthropic", $"http://127.0.0.1:{RouterPort}/v1/chat/completions", "claude-bench", new(), "anthropic");

    public static async Task<LoadSection> Run(Options o, BuiltEnv env, string cache)
    {
        var sec = new LoadSection
        {
            When = DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm zzz"),
            Command = "dotnet run -c Release --project bench/Runner --" + (o.Quick ? " --quick" : "") + (o.Pin ? "" : " --no-pin") + (o.Warmup != 1 && !o.Quick ? $" --warmup {o.Warmup}" : "") + (o.Prewarm != Options.DefaultPrewarm ? $" --prewarm {o.Prewarm}" : ""),
            Commit = env.Commit, RouterSource = env.RouterSource, Machine = env.Machine, Pinned = Children.Pin,
            WarmupS = o.Warmup, DurationS = o.Duration, Chunks = o.Chunks, OpenRate = o.OpenRate,
            LoadAvgBefore = LoadAvg(),
        };
        foreach (var (port, what) in new[] { (FakePort, "fake upstream"), (YarpPort, "YARP"), (RouterPort, "router"), (PortkeyPort, "Portkey") })
            Procs.EnsureFree(port, what);

        var fake = Procs.StartFake(env, FakePort, o.Chunks, 0);
        await Procs.WaitReady(fake, $"http://127.0.0.1:{FakePort}/stats", s => s == 200, TimeSpan.FromSeconds(30));

        var yarp = Children.Start("yarp", "dotnet", [env.YarpDll, "--port", YarpPort.ToString(), "--upstream", $"http://127.0.0.1:{FakePort}/"], cpu: 1);
        sec.Procs["yarp"] = new ProcStats { StartupMs = await Procs.WaitReady(yarp, $"http://127.0.0.1:{YarpPort}/stats", s => s == 200, TimeSpan.FromSeconds(30)) };

        var authDir = Path.Combine(Path.GetTempPath(), "router-bench-auth-" + Guid.NewGuid().ToString("N")[..8]);
        var config = Procs.WriteRouterConfig(cache, RouterPort, FakePort, authDir);
        Console.WriteLine($"start: router ({env.RouterSource})");
        var router = Children.Start("router", "dotnet", [env.RouterDll, "--config", config], cpu: 1);
        sec.Procs["router"] = new ProcStats { StartupMs = await Procs.WaitReady(router, $"http://127.0.0.1:{RouterPort}/v1/health", s => s == 200, TimeSpan.FromSeconds(60)) };
        Console.WriteLine($"       router ready in {sec.Procs["router"].StartupMs:0} ms");

        Child? portkey = null;
        var whyNot = !o.Portkey ? "--no-portkey given" : env.PortkeyWhyNot;
        if (whyNot is null)
        {
            try
            {
                var shim = new Uri(Path.Combine(Path.GetDirectoryName(cache)!, "portkey-shim.mjs")).AbsoluteUri;
                portkey = Children.Start("portkey", "node", ["--import", shim, env.PortkeyEntry!, $"--port={PortkeyPort}", "--headless"], cpu: 1,
                    env: new Dictionary<string, string> { ["NODE_ENV"] = "production" });
                sec.Procs["portkey"] = new ProcStats { StartupMs = await Procs.WaitReady(portkey, $"http://127.0.0.1:{PortkeyPort}/", s => s < 500, TimeSpan.FromSeconds(60)) };
            }
            catch (Exception e)
            {
                whyNot = "Portkey did not start: " + e.Message.Split('\n')[0];
                if (portkey is not null) Children.Stop(portkey);
                portkey = null;
            }
        }

        var targets = new List<(Target T, Child? Proc)>
        {
            (Direct, fake),
            (Yarp, yarp),
            (RouterOpenAi, router),
            (RouterAnthropic, router),
            (new Target("portkey", "Portkey gateway 1.15.2", $"http://127.0.0.1:{PortkeyPort}/v1/chat/completions", "gpt-bench",
                new() { ["Authorization"] = "Bearer sk-bench", ["x-portkey-provider"] = "openai", ["x-portkey-custom-host"] = $"http://127.0.0.1:{FakePort}/v1" }, "openai"), portkey),
        };
        sec.Targets = targets.Select(t => new[] { t.T.Key, t.T.Label }).ToList();
        if (whyNot is not null) sec.NotRun["portkey"] = whyNot;

        // Preflight: one JSON and one streamed request per target, and the fake must have counted it (so a proxy really reached it).
        using (var client = Load.NewClient(8))
        {
            foreach (var (t, proc) in targets)
            {
                if (sec.NotRun.ContainsKey(t.Key)) continue;
                foreach (var stream in new[] { false, true })
                {
                    var before = await Procs.FakeCount(FakePort, t.FakeCounter);
                    var r = await Load.Send(client, t, stream, Load.Body(t.Model, stream), o.Chunks, CancellationToken.None);
                    var after = await Procs.FakeCount(FakePort, t.FakeCounter);
                    var why = !r.Ok ? r.Error : after <= before ? "answered, but the fake upstream saw no request" : null;
                    if (why is null) continue;
                    if (t.Key == "portkey") { sec.NotRun["portkey"] = $"preflight {(stream ? "stream" : "JSON")} request failed: {why}"; break; }
                    sec.Problems.Add($"preflight: {t.Label} {(stream ? "stream" : "JSON")} request failed: {why}");
                }
            }
        }
        if (sec.NotRun.TryGetValue("portkey", out var pk)) Console.WriteLine($"portkey: not run: {pk}");
        if (portkey is not null && sec.NotRun.ContainsKey("portkey")) { Children.Stop(portkey); portkey = null; }

        await Task.Delay(2000); // let start-up settle before reading idle RSS
        var pids = new Dictionary<string, int> { ["router"] = router.Pid, ["yarp"] = yarp.Pid };
        if (portkey is not null) pids["portkey"] = portkey.Pid;
        foreach (var (name, pid) in pids) sec.Procs[name].IdleRssMb = Native.StatusKb(pid, "VmRSS") / 1024.0;

        var warm = TimeSpan.FromSeconds(o.Warmup);
        var dur = TimeSpan.FromSeconds(o.Duration);
        var planned = targets.Count(t => !sec.NotRun.ContainsKey(t.T.Key)) * 2 * 2 * (o.Levels.Length + 1);
        Console.WriteLine($"load: {planned} runs of {o.Warmup}+{o.Duration} s ≈ {planned * (o.Warmup + o.Duration + 0.3) / 60:0.0} min");
        Console.WriteLine($"{"target",-18} {"mode",-6} {"load",-8} {"ok/s",9} {"p50 ms",9} {"p99 ms",9} {"ttft50",8} {"ttft99",8} {"errors",7}");

        // Every target (YARP and Portkey too) first serves closed-64 load unmeasured, JSON then stream: a .NET process
        // measured minutes after start runs its hot paths at their final tier, not at the tier the first requests got.
        await Load.Prewarm("prewarm", "target", targets.Where(t => !sec.NotRun.ContainsKey(t.T.Key) && t.Proc is not { Alive: false }).Select(t => t.T), 64, o);

        await using (var rss = new RssSampler(pids))
        {
            // Mode by mode and load by load, every target in turn, twice: in order, then in reverse. A target
            // measured first (or minutes after another) would otherwise carry the machine's drift in its ratio.
            var proxied = targets.Where(t => !sec.NotRun.ContainsKey(t.T.Key)).ToList();
            foreach (var stream in new[] { false, true })
            {
                var loads = o.Levels.Select(c => (Closed: true, C: c)).Append((Closed: false, C: 64));
                foreach (var (closed, c) in loads)
                {
                    var passes = new Dictionary<string, List<RunResult>>();
                    foreach (var order in new[] { proxied, Enumerable.Reverse(proxied).ToList() })
                        foreach (var (t, proc) in order)
                        {
                            var r = await MeasureOne(sec, t, proc, stream, closed, c, o, warm, dur);
                            (passes.TryGetValue(t.Key, out var list) ? list : passes[t.Key] = new()).Add(r);
                            await Task.Delay(300); // let connections close between runs
                        }
                    foreach (var (t, _) in proxied)
                    {
                        var r = RunResult.MeanOf(passes[t.Key]);
                        sec.Runs.Add(r);
                        Console.WriteLine($"{t.Key,-18} {r.Mode,-6} {r.Load,-8} {r.Rps,9:0} {r.P50,9:0.00} {r.P99,9:0.00} {r.TtftP50,8:0.00} {r.TtftP99,8:0.00} {r.Errors,7}"
                            + (r.FirstError is null ? "" : $"  first error: {r.FirstError}") + (r.Note is null ? "" : $"  [{r.Note}]"));
                    }
                }
            }
            await Task.Yield();
            foreach (var (name, pid) in pids)
            {
                sec.Procs[name].PeakRssMb = rss.PeakKb(name) / 1024.0;
                sec.Procs[name].HwmMb = Native.StatusKb(pid, "VmHWM") / 1024.0;
            }
        }

        // Added latency vs direct, same mode and load.
        foreach (var r in sec.Runs)
        {
            var d = sec.Runs.FirstOrDefault(x => x.Target == "direct" && x.Mode == r.Mode && x.Load == r.Load);
            if (d is null || r.Target == "direct") continue;
            r.AddedP50 = r.P50 - d.P50; r.AddedP99 = r.P99 - d.P99;
            r.AddedTtftP50 = r.TtftP50 - d.TtftP50; r.AddedTtftP99 = r.TtftP99 - d.TtftP99;
        }
        foreach (var r in sec.Runs.Where(r => r.Errors > 0 && r.Target.StartsWith("router")))
            sec.Problems.Add($"{r.Target} {r.Mode} {r.Load}: {r.Errors} errors of {r.Ok + r.Errors}; first: {r.FirstError}");
        if (!router.Alive) sec.Problems.Add($"router is not running at the end (exit {router.Proc.ExitCode})");
        sec.Problems.AddRange(LogProblems(router));

        sec.LoadAvgAfter = LoadAvg();
        foreach (var c in new[] { portkey, router, yarp, fake }) if (c is not null) Children.Stop(c);
        try { Directory.Delete(authDir, true); } catch { }
        sec.Accounts = await AccountTargets.Run(o, env, cache);
        return sec;
    }

    /// <summary>One measured run of one target; a target whose process has died is noted, not run.</summary>
    private static async Task<RunResult> MeasureOne(LoadSection sec, Target t, Child? proc, bool stream, bool closed, int c, Options o, TimeSpan warm, TimeSpan dur)
    {
        if (proc is not null && !proc.Alive)
            return new RunResult { Target = t.Key, Mode = stream ? "stream" : "json", Load = closed ? $"c{c}" : $"open{o.OpenRate:0}", Concurrency = c,
                Note = $"not run: {proc.Name} exited with code {proc.Proc.ExitCode}" };
        var r = closed ? await Load.Closed(t, stream, c, warm, dur, o.Chunks)
                       : await Load.Open(t, stream, o.OpenRate, c, warm, dur, o.Chunks);
        if (proc is not null && !proc.Alive)
        {
            r.Note = $"{proc.Name} exited with code {proc.Proc.ExitCode} during this run";
            sec.Problems.Add($"{t.Label} {r.Mode} {r.Load}: {proc.Name} crashed (exit {proc.Proc.ExitCode}); last output:\n{proc.TailText()}");
        }
        return r;
    }

    /// <summary>/proc/loadavg's 1/5/15-minute figures: anything else running on the box skews the figures.</summary>
    public static string LoadAvg()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); } catch { return "?"; }
    }

    /// <summary>Error-looking lines the router logged (it runs at level warn), counted, the first few quoted.</summary>
    public static IEnumerable<string> LogProblems(Child router)
    {
        string[] lines;
        try { lines = File.ReadAllLines(router.LogPath); } catch { yield break; }
        var bad = lines.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains("exception", StringComparison.OrdinalIgnoreCase)
                                   || l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("warn", StringComparison.OrdinalIgnoreCase)).ToList();
        if (bad.Count == 0) yield break;
        yield return $"router log ({Path.GetFileName(router.LogPath)}): {bad.Count} warning/error lines of {lines.Length}; first: " +
                     string.Join(" | ", bad.Take(3).Select(l => l.Length > 300 ? l[..300] + "…" : l));
    }
}
