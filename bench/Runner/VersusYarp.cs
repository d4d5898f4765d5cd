using System.Text;

namespace Bench;

/// <summary>One mode and load of the A/B run: each round's router and YARP figures side by side.</summary>
sealed class VersusFigures
{
    public string Mode { get; set; } = "";
    public int Concurrency { get; set; }
    public List<double> RouterRps { get; set; } = new();
    public List<double> YarpRps { get; set; } = new();
    public double RouterCpuSeconds { get; set; }
    public double YarpCpuSeconds { get; set; }
    public long RouterOk { get; set; }
    public long YarpOk { get; set; }
    public long Errors { get; set; }
    /// <summary>The router's translated route (openai→anthropic) in the same rounds, JSON closed 64 only: the pass-through target's reference.</summary>
    public List<double> TranslatedRps { get; set; } = new();
    public double TranslatedCpuSeconds { get; set; }
    public long TranslatedOk { get; set; }
    /// <summary>The router's own counters over the measured windows (their share of each run).</summary>
    public RouterRuntime RouterCounts { get; set; }

    /// <summary>Each round's router ÷ YARP ratio.</summary>
    public IEnumerable<double> Ratios() => RouterRps.Zip(YarpRps, (r, y) => y > 0 ? r / y : 0);

    /// <summary>The median of the rounds' ratios: each ratio is of two runs seconds apart, so the machine's drift over
    /// minutes cancels in it, and one disturbed round cannot move the median.</summary>
    public double MedianRatio => Stats.Median(Ratios()) ?? 0;
    public double PassThroughMedian => Stats.Median(PassThroughRatios()) ?? 0;

    /// <summary>Each round's pass-through ÷ translated ratio (router openai→openai ÷ openai→anthropic).</summary>
    public IEnumerable<double> PassThroughRatios() => RouterRps.Zip(TranslatedRps, (r, t) => t > 0 ? r / t : 0);
    public double? TranslatedCpuUs => TranslatedOk > 0 ? TranslatedCpuSeconds * 1e6 / TranslatedOk : null;

    public double? RouterCpuUs => RouterOk > 0 ? RouterCpuSeconds * 1e6 / RouterOk : null;
    public double? YarpCpuUs => YarpOk > 0 ? YarpCpuSeconds * 1e6 / YarpOk : null;

    // The router's own counters per answer.
    private double Answers => Math.Max(1, RouterOk);
    public double RouterKbPerAnswer => RouterCounts.Allocated / 1024 / Answers;
    public double RouterHandOffsPerAnswer => RouterCounts.WorkItems / Answers;
    public double RouterGcPauseUsPerAnswer => RouterCounts.PauseMs * 1000 / Answers;
}

sealed class VersusSection
{
    public string When { get; set; } = "";
    public string Command { get; set; } = "";
    public string RouterSource { get; set; } = "";
    public int Rounds { get; set; }
    public double DurationS { get; set; }
    public string LoadAvgBefore { get; set; } = "";
    public string LoadAvgAfter { get; set; } = "";
    public List<VersusFigures> Figures { get; set; } = new();
    public List<string> Problems { get; set; } = new();
}

/// <summary>
/// `--versus-yarp`: the router (openai→openai) against YARP alone, in many short rounds that alternate which goes first,
/// at closed 64 and 512. A load run measures each target twice, minutes apart, and on this shared machine its ratios move
/// by 0.1 from one run to the next; here each round's ratio is of two runs seconds apart, and the median of the rounds
/// judges the throughput targets. Each proxy's CPU time per answer is beside it: the cost, with the other processes'
/// noise mostly left out.
/// </summary>
static class VersusYarp
{
    public static async Task<VersusSection> Run(Options o, BuiltEnv env, string cache)
    {
        var sec = new VersusSection
        {
            When = DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm zzz"),
            Command = $"dotnet run -c Release --project bench/Runner -- --versus-yarp --versus-rounds {o.VersusRounds} --levels {string.Join(",", o.VersusLevels)} --prewarm {o.Prewarm}" + string.Concat(o.RouterEnv.Select(e => $" --router-env {e.Key}={e.Value}"))
                      + (o.RouterCpuScheduling is { } policy ? $" --router-cpu-scheduling {policy}" : ""),
            RouterSource = env.RouterSource, Rounds = o.VersusRounds, LoadAvgBefore = LoadRun.LoadAvg(),
        };
        foreach (var (port, what) in new[] { (LoadRun.FakePort, "fake upstream"), (LoadRun.YarpPort, "YARP"), (LoadRun.RouterPort, "router") })
            Procs.EnsureFree(port, what);
        var fake = Procs.StartFake(env, LoadRun.FakePort, o.Chunks, 0);
        await Procs.WaitReady(fake, $"http://127.0.0.1:{LoadRun.FakePort}/stats", s => s == 200, TimeSpan.FromSeconds(30));
        var yarp = await Procs.StartYarp(env);
        var (router, authDir) = await Procs.StartRouter(env, cache, o.RouterEnv);
        try
        {
            var pair = new[] { (T: LoadRun.RouterOpenAi, Proc: router), (T: LoadRun.Yarp, Proc: yarp) };
            // JSON at closed 64 also runs the router's translated route, so the pass-through target has rounds of its own.
            var trio = new[] { pair[0], pair[1], (T: LoadRun.RouterAnthropic, Proc: router) };
            await Load.Prewarm("prewarm", "proxy", pair.Select(p => p.T), 64, o);
            var warm = TimeSpan.FromSeconds(o.Warmup);
            var dur = TimeSpan.FromSeconds(Math.Min(o.Duration, 3));
            sec.DurationS = dur.TotalSeconds;
            Console.WriteLine($"versus YARP: {o.VersusRounds} rounds of 2 runs of {warm.TotalSeconds}+{dur.TotalSeconds} s per mode and load");
            foreach (var stream in new[] { false, true })
                foreach (var conc in o.VersusLevels)
                {
                    var f = new VersusFigures { Mode = stream ? "stream" : "json", Concurrency = conc };
                    var targets = !stream && conc == 64 ? trio : pair;
                    for (var round = 0; round < o.VersusRounds; round++)
                    {
                        // Each target goes first in turn; with two, every other round reverses the pair.
                        foreach (var (t, proc) in targets.Skip(round % targets.Length).Concat(targets.Take(round % targets.Length)))
                        {
                            var share = dur / (warm + dur); // the measured window's share of the counts
                            var cpuBefore = Native.CpuSeconds(proc.Pid);
                            var countsBefore = proc == router ? await RouterRuntime.Read(LoadRun.RouterPort) : default;
                            var r = await Load.Closed(t, stream, conc, warm, dur, o.Chunks);
                            var cpu = (Native.CpuSeconds(proc.Pid) - cpuBefore) * share;
                            f.Errors += r.Errors;
                            if (t == LoadRun.RouterAnthropic)
                            {
                                f.TranslatedRps.Add(r.Rps); f.TranslatedCpuSeconds += cpu; f.TranslatedOk += r.Ok;
                            }
                            else if (proc == router)
                            {
                                f.RouterCounts += (await RouterRuntime.Read(LoadRun.RouterPort) - countsBefore) * share;
                                f.RouterRps.Add(r.Rps); f.RouterCpuSeconds += cpu; f.RouterOk += r.Ok;
                            }
                            else { f.YarpRps.Add(r.Rps); f.YarpCpuSeconds += cpu; f.YarpOk += r.Ok; }
                            if (r.FirstError is not null) sec.Problems.Add($"{t.Key} {f.Mode} c{conc} round {round + 1}: {r.Errors} errors; first: {r.FirstError}");
                            await Task.Delay(300);
                        }
                        Console.WriteLine($"{f.Mode,-6} c{conc,-4} round {round + 1,2}: router {f.RouterRps[^1],7:0} yarp {f.YarpRps[^1],7:0} = {f.Ratios().Last():0.00}×"
                            + (f.TranslatedRps.Count > 0 ? $"; translated {f.TranslatedRps[^1],7:0}, pass-through ÷ translated {f.PassThroughRatios().Last():0.00}×" : ""));
                    }
                    sec.Figures.Add(f);
                    Console.WriteLine($"{f.Mode,-6} c{conc,-4} median {f.MedianRatio:0.00}×; CPU per answer router {f.RouterCpuUs:0} µs, YARP {f.YarpCpuUs:0} µs; router per answer: "
                        + $"{f.RouterKbPerAnswer:0.0} KB, {f.RouterHandOffsPerAnswer:0.0} hand-offs, GC pause {f.RouterGcPauseUsPerAnswer:0.0} µs; "
                        + $"collections gen0 {f.RouterCounts.Gen0:0} gen1 {f.RouterCounts.Gen1:0} gen2 {f.RouterCounts.Gen2:0}"
                        + (f.TranslatedRps.Count > 0 ? $"; pass-through ÷ translated median {f.PassThroughMedian:0.00}×, translated CPU per answer {f.TranslatedCpuUs:0} µs" : ""));
                }
            sec.Problems.AddRange(LoadRun.LogProblems(router));
            if (!router.Alive) sec.Problems.Add($"router is not running at the end (exit {router.Proc.ExitCode})");
        }
        finally
        {
            foreach (var c in new[] { router, yarp, fake }) Children.Stop(c);
            try { Directory.Delete(authDir, true); } catch { }
        }
        sec.LoadAvgAfter = LoadRun.LoadAvg();
        return sec;
    }

    public static string RunLine(VersusSection s) =>
        $"- versus-YARP run ({s.Rounds} alternating rounds per mode and load): {s.When}, `{s.Command}`, router: {s.RouterSource}; load average before {s.LoadAvgBefore}, after {s.LoadAvgAfter}";

    /// <summary>The two throughput targets judged on the A/B run's medians.</summary>
    public static IEnumerable<(string Goal, string Measured, string Status)> Goals(VersusSection? s)
    {
        if (s is null) yield break;
        foreach (var (mode, share) in new[] { ("json", 0.9), ("stream", 0.8) })
        {
            if (s.Figures.FirstOrDefault(f => f.Mode == mode && f.Concurrency == 64) is not { } f) continue;
            var goal = $"router openai→openai throughput ≥ {share:0.0}× YARP ({(mode == "json" ? "JSON" : "stream")}, closed 64, median of {s.Rounds} alternating rounds)";
            var measured = $"{f.MedianRatio:0.00}× (rounds {Range(f)}); CPU per answer router {Report.F(f.RouterCpuUs, "0")} vs YARP {Report.F(f.YarpCpuUs, "0")} µs" +
                           (f.Errors > 0 ? $", {f.Errors} errors" : "");
            yield return (goal, measured, f.Errors == 0 && f.MedianRatio >= share ? "**met**" : "**missed**");
        }
        if (s.Figures.FirstOrDefault(f => f.Mode == "json" && f.Concurrency == 64 && f.TranslatedRps.Count > 0) is { } j)
        {
            var median = j.PassThroughMedian;
            yield return ($"same-format pass-through at least as fast as translation (JSON, closed 64, median of {s.Rounds} rounds with the router's two routes in turn)",
                $"openai→openai ÷ openai→anthropic {median:0.00}× (rounds {Range(j.PassThroughRatios())}); router CPU per answer {Report.F(j.RouterCpuUs, "0")} vs {Report.F(j.TranslatedCpuUs, "0")} µs",
                j.Errors == 0 && median >= 1 ? "**met**" : "**missed**");
        }
    }

    private static string Range(VersusFigures f) => Range(f.Ratios());
    private static string Range(IEnumerable<double> ratios) => $"{ratios.Min():0.00}–{ratios.Max():0.00}";

    public static void Append(StringBuilder sb, VersusSection? s)
    {
        if (s is null) return;
        sb.AppendLine("## Router against YARP, alternating rounds").AppendLine();
        sb.AppendLine($"{s.Rounds} rounds per mode and load of {s.DurationS:0.#} s measured each; each round runs the router (openai→openai) and YARP back to back, " +
                      "the first of the pair alternating. Ratio = the median of the rounds' router ÷ YARP; CPU µs per answer = the proxy's user + system time in the measured windows ÷ its answers.").AppendLine();
        sb.AppendLine("| mode | load | router req/s (mean) | YARP req/s (mean) | ratio (median) | ratio range | router CPU µs/answer | YARP CPU µs/answer | CPU ratio | router KB/answer | router hand-offs/answer | router GC pause µs/answer | router collections gen0/1/2 | errors |")
          .AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var f in s.Figures)
            sb.AppendLine($"| {f.Mode} | closed {f.Concurrency} | {f.RouterRps.Average():0} | {f.YarpRps.Average():0} | {f.MedianRatio:0.00}× | {Range(f)} | " +
                          $"{Report.F(f.RouterCpuUs, "0")} | {Report.F(f.YarpCpuUs, "0")} | {Report.F(f.RouterCpuUs / f.YarpCpuUs)}× | " +
                          $"{f.RouterKbPerAnswer:0.0} | {f.RouterHandOffsPerAnswer:0.0} | {f.RouterGcPauseUsPerAnswer:0.0} | " +
                          $"{f.RouterCounts.Gen0:0} / {f.RouterCounts.Gen1:0} / {f.RouterCounts.Gen2:0} | {f.Errors} |");
        sb.AppendLine();
        foreach (var f in s.Figures.Where(f => f.TranslatedRps.Count > 0))
            sb.AppendLine($"The router's translated route (openai→anthropic) ran in the same {f.Mode} closed-{f.Concurrency} rounds: {f.TranslatedRps.Average():0} req/s (mean), " +
                          $"{Report.F(f.TranslatedCpuUs, "0")} µs of router CPU per answer against the pass-through's {Report.F(f.RouterCpuUs, "0")}; " +
                          $"pass-through ÷ translated {f.PassThroughMedian:0.00}× (median; rounds {Range(f.PassThroughRatios())}).").AppendLine();
        foreach (var p in s.Problems) sb.AppendLine($"- {p.ReplaceLineEndings(" ")}");
        if (s.Problems.Count > 0) sb.AppendLine();
    }
}
