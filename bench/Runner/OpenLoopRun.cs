namespace Bench;

/// <summary>One target's open-loop figures over several rounds: medians of the rounds, and what the proxy's process
/// did per request (thread wake-ups and CPU), read from /proc around each run.</summary>
sealed class OpenLoopFigures
{
    public string Target { get; set; } = "";
    public string Mode { get; set; } = "";
    public int Rounds { get; set; }
    public long Requests { get; set; }
    public long Errors { get; set; }
    public double? P50 { get; set; }
    public double? P99 { get; set; }
    public double? TtftP50 { get; set; }
    public double? AddedP50 { get; set; }
    public double? AddedP99 { get; set; }
    public double? AddedTtftP50 { get; set; }
    /// <summary>Threads of the proxy that went to sleep and were woken again, per request (voluntary context switches).</summary>
    public double? WakeUpsPerRequest { get; set; }
    public double? CpuUsPerRequest { get; set; }
    /// <summary>The wake-ups per request by thread name (mean of the rounds).</summary>
    public Dictionary<string, double>? WakeUpsByThread { get; set; }
    public string PerRound { get; set; } = "";
}

sealed class OpenLoopSection
{
    public string When { get; set; } = "";
    public string Command { get; set; } = "";
    public string RouterSource { get; set; } = "";
    public double Rate { get; set; }
    public double DurationS { get; set; }
    public int Rounds { get; set; }
    public string LoadAvgBefore { get; set; } = "";
    public string LoadAvgAfter { get; set; } = "";
    public List<string[]> Targets { get; set; } = new(); // [key, label]
    public List<OpenLoopFigures> Figures { get; set; } = new();
    public List<string> Problems { get; set; } = new();
}

/// <summary>`--open-loop`: the open-loop rows alone, longer and in several rounds, with a TCP byte relay beside YARP and
/// the router: what any proxy adds on this machine when it sits on its own, mostly idle, core.</summary>
static class OpenLoopRun
{
    public const int RelayPort = 18501;

    public static async Task<OpenLoopSection> Run(Options o, BuiltEnv env, string cache)
    {
        var rounds = o.OpenRounds;
        var sec = new OpenLoopSection
        {
            When = DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm zzz"),
            Command = $"dotnet run -c Release --project bench/Runner -- --open-loop --open-rounds {rounds} --duration {o.Duration} --prewarm {o.Prewarm}",
            RouterSource = env.RouterSource, Rate = o.OpenRate, DurationS = o.Duration, Rounds = rounds, LoadAvgBefore = LoadRun.LoadAvg(),
        };
        foreach (var (port, what) in new[] { (LoadRun.FakePort, "fake upstream"), (RelayPort, "TCP relay"), (LoadRun.YarpPort, "YARP"), (LoadRun.RouterPort, "router") })
            Procs.EnsureFree(port, what);
        var fakeUrl = $"http://127.0.0.1:{LoadRun.FakePort}/";
        var fake = Procs.StartFake(env, LoadRun.FakePort, o.Chunks, 0);
        await Procs.WaitReady(fake, fakeUrl + "stats", s => s == 200, TimeSpan.FromSeconds(30));
        var relay = Children.Start("tcp-relay", "dotnet", [env.YarpDll, "--tcp-relay", "--port", RelayPort.ToString(), "--upstream", fakeUrl], cpu: 1);
        await Procs.WaitReady(relay, $"http://127.0.0.1:{RelayPort}/stats", s => s == 200, TimeSpan.FromSeconds(30));
        var yarp = await Procs.StartYarp(env);
        var (router, authDir) = await Procs.StartRouter(env, cache);
        try
        {
            var targets = new List<(Target T, Child? Proc)>
            {
                (LoadRun.Direct, null),
                (LoadRun.Direct with { Key = "tcp-relay", Label = "TCP byte relay (no HTTP)", Url = $"http://127.0.0.1:{RelayPort}/v1/chat/completions" }, relay),
                (LoadRun.Yarp, yarp),
                (LoadRun.RouterOpenAi, router),
                (LoadRun.RouterAnthropic, router),
            };
            sec.Targets = targets.Select(t => new[] { t.T.Key, t.T.Label }).ToList();
            await Load.Prewarm("prewarm", "target", targets.Select(t => t.T), 64, o);

            var warm = TimeSpan.FromSeconds(o.Warmup);
            var dur = TimeSpan.FromSeconds(o.Duration);
            Console.WriteLine($"open loop {o.OpenRate:0}/s, {rounds} rounds of {o.Warmup}+{o.Duration} s per target and mode");
            foreach (var stream in new[] { false, true })
            {
                var runs = targets.ToDictionary(t => t.T.Key, _ => new List<(RunResult R, double? Wakes, double? Cpu)>());
                var byThread = targets.ToDictionary(t => t.T.Key, _ => new Dictionary<string, double>());
                for (var round = 0; round < rounds; round++)
                {
                    var order = round % 2 == 0 ? targets : Enumerable.Reverse(targets).ToList();
                    foreach (var (t, proc) in order)
                    {
                        var pid = proc?.Pid;
                        var sleepsBefore = pid is { } p0 ? Native.SleepsByThread(p0) : null;
                        var cpuBefore = pid is { } p1 ? Native.CpuSeconds(p1) : 0;
                        Dictionary<int, Native.ThreadSleeps>? sleepsAfter = null;
                        var cpuAfter = 0.0;
                        var r = await Load.Open(t, stream, o.OpenRate, 64, warm, dur, o.Chunks, beforeClose: () =>
                        {
                            if (pid is not { } p2) return;
                            sleepsAfter = Native.SleepsByThread(p2);
                            cpuAfter = Native.CpuSeconds(p2);
                        });
                        // Counted over warm-up and measurement alike, so per request of both.
                        var sent = (warm + dur).TotalSeconds * o.OpenRate;
                        var byName = sleepsAfter is null ? null : Native.SleepsBetween(sleepsBefore!, sleepsAfter);
                        double? wakes = byName?.Values.Sum() / sent;
                        foreach (var (name, sleeps) in byName ?? [])
                            byThread[t.Key][name] = byThread[t.Key].GetValueOrDefault(name) + sleeps / sent / rounds;
                        double? cpu = pid is null ? null : (cpuAfter - cpuBefore) * 1e6 / sent;
                        runs[t.Key].Add((r, wakes, cpu));
                        await Task.Delay(300);
                    }
                }
                foreach (var (t, _) in targets)
                {
                    var figures = Summarize(t.Key, stream ? "stream" : "json", runs[t.Key], runs["direct"]);
                    figures.WakeUpsByThread = byThread[t.Key].Where(x => x.Value >= 0.005).OrderByDescending(x => x.Value)
                        .ToDictionary(x => x.Key, x => Math.Round(x.Value, 2));
                    sec.Figures.Add(figures);
                }
            }
            foreach (var f in sec.Figures)
                Console.WriteLine($"{f.Target,-18} {f.Mode,-6} p50 {f.P50,6:0.00} added {f.AddedP50,6:+0.00;-0.00} p99 {f.P99,6:0.00} added {f.AddedP99,6:+0.00;-0.00}"
                    + $" ttft added {f.AddedTtftP50,6:+0.00;-0.00} wake-ups/req {f.WakeUpsPerRequest,5:0.0} cpu µs/req {f.CpuUsPerRequest,5:0} errors {f.Errors}"
                    + (f.WakeUpsByThread is { Count: > 0 } w ? "\n    wake-ups by thread: " + string.Join(", ", w.Select(x => $"{x.Key} {x.Value:0.00}")) : ""));
            foreach (var f in sec.Figures.Where(f => f.Errors > 0))
                sec.Problems.Add($"{f.Target} {f.Mode}: {f.Errors} errors");
            sec.Problems.AddRange(LoadRun.LogProblems(router));
        }
        finally
        {
            foreach (var c in new[] { router, yarp, relay, fake }) Children.Stop(c);
            try { Directory.Delete(authDir, true); } catch { }
        }
        sec.LoadAvgAfter = LoadRun.LoadAvg();
        return sec;
    }

    /// <summary>Medians over the rounds; a round's added latency is against the direct run of the same round.</summary>
    private static OpenLoopFigures Summarize(string key, string mode, List<(RunResult R, double? Wakes, double? Cpu)> mine, List<(RunResult R, double? Wakes, double? Cpu)> direct)
    {
        static double? Median(IEnumerable<double?> xs) => Stats.Median(xs.OfType<double>());
        var pairs = mine.Zip(direct).ToList();
        return new OpenLoopFigures
        {
            Target = key, Mode = mode, Rounds = mine.Count,
            Requests = mine.Sum(x => x.R.Ok), Errors = mine.Sum(x => x.R.Errors),
            P50 = Median(mine.Select(x => x.R.P50)), P99 = Median(mine.Select(x => x.R.P99)), TtftP50 = Median(mine.Select(x => x.R.TtftP50)),
            AddedP50 = key == "direct" ? null : Median(pairs.Select(p => p.First.R.P50 - p.Second.R.P50)),
            AddedP99 = key == "direct" ? null : Median(pairs.Select(p => p.First.R.P99 - p.Second.R.P99)),
            AddedTtftP50 = key == "direct" ? null : Median(pairs.Select(p => p.First.R.TtftP50 - p.Second.R.TtftP50)),
            WakeUpsPerRequest = Median(mine.Select(x => x.Wakes)),
            CpuUsPerRequest = Median(mine.Select(x => x.Cpu)),
            PerRound = string.Join(" / ", pairs.Select(p => key == "direct" ? $"{p.First.R.P50:0.00}" : $"{p.First.R.P50 - p.Second.R.P50:+0.00;-0.00}")),
        };
    }
}
