using System.Diagnostics;

namespace Bench;

/// <summary>--soak: N slow streams (half openai→openai, half openai→anthropic) held open at once through a fresh router.</summary>
static class Soak
{
    /// <summary>The fake answers HTTP/1.1 on FakePort (stats, and the upstream with --soak-upstream-http 1.1) and cleartext HTTP/2 on H2cPort.</summary>
    public const int FakePort = 18401, RouterPort = 18318, H2cPort = 18411;
    /// <summary>Streams one h2c connection to the fake carries (SETTINGS_MAX_CONCURRENT_STREAMS; CDNs in front of LLM APIs commonly allow 100–256).</summary>
    public const int H2cMaxStreams = 256;

    /// <summary>The kernel's count of connections dropped because a listen (accept) queue was full: TcpExt ListenOverflows.</summary>
    private static long ListenOverflows()
    {
        try
        {
            var lines = File.ReadAllLines("/proc/net/netstat").Where(l => l.StartsWith("TcpExt:")).ToArray();
            var names = lines[0].Split(' ');
            var values = lines[1].Split(' ');
            return long.Parse(values[Array.IndexOf(names, "ListenOverflows")]);
        }
        catch { return 0; }
    }

    private static string Short(string s) => s.Length > 260 ? s[..260] + "…" : s;

    public static async Task<SoakSection> Run(Options o, BuiltEnv env, string cache, ulong fdSoft, ulong fdHard)
    {
        var n = o.SoakStreams;
        var h2c = o.SoakUpstreamHttp == "2";
        var sec = new SoakSection
        {
            When = DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm zzz"),
            Command = "dotnet run -c Release --project bench/Runner -- --soak" + (n != 10_000 ? $" --soak-streams {n}" : "") +
                      (h2c ? "" : " --soak-upstream-http 1.1") + (o.Pin ? "" : " --no-pin"),
            UpstreamHttp = h2c ? "HTTP/2 cleartext (h2c, prior knowledge)" : "HTTP/1.1",
            Commit = env.Commit, RouterSource = env.RouterSource,
            Streams = n, Chunks = o.SoakChunks, DelayMs = o.SoakDelayMs, FdLimit = $"{fdSoft} soft / {fdHard} hard",
        };
        Procs.EnsureFree(FakePort, "soak fake upstream");
        Procs.EnsureFree(RouterPort, "soak router");
        if (h2c) Procs.EnsureFree(H2cPort, "soak fake upstream (h2c)");
        // Over HTTP/1.1 the router holds two sockets per proxied stream (client side and upstream side); over h2c one
        // upstream connection carries 100 streams.
        var perStream = h2c ? 1.01 : 2;
        if (fdHard < (ulong)(perStream * n + 500))
            sec.Notes.Add($"this machine's open-files limit is {fdHard} (hard; `ulimit -n` cannot go higher without CAP_SYS_RESOURCE) and the router needs about " +
                          $"{perStream} per stream plus ~200 of its own, so roughly {(long)((fdHard - 200) / perStream)} concurrent streams fit: streams past that can fail with EMFILE " +
                          "(\"Too many open files\"). That is this machine's ceiling, not the router's.");

        var fake = Procs.StartFake(env, FakePort, o.SoakChunks, o.SoakDelayMs, h2c ? H2cPort : null, H2cMaxStreams);
        await Procs.WaitReady(fake, $"http://127.0.0.1:{FakePort}/stats", s => s == 200, TimeSpan.FromSeconds(30));
        var authDir = Path.Combine(Path.GetTempPath(), "router-bench-auth-" + Guid.NewGuid().ToString("N")[..8]);
        var config = Procs.WriteRouterConfig(cache, RouterPort, h2c ? H2cPort : FakePort, authDir, h2c ? "2" : null);
        var router = Children.Start("router-soak", "dotnet", [env.RouterDll, "--config", config], cpu: 1);
        sec.StartupMs = await Procs.WaitReady(router, $"http://127.0.0.1:{RouterPort}/v1/health", s => s == 200, TimeSpan.FromSeconds(60));
        await Task.Delay(2000);
        var idleKb = Native.StatusKb(router.Pid, "VmRSS") ?? 0;
        sec.IdleRssMb = idleKb / 1024.0;
        Console.WriteLine($"soak: router ready in {sec.StartupMs:0} ms, idle RSS {sec.IdleRssMb:0.0} MB; opening {n} streams " +
                          $"({o.SoakChunks} chunks, {o.SoakDelayMs} ms apart) over {o.SoakRampS:0.#} s");

        using var client = Load.NewClient(int.MaxValue);
        var targets = new[]
        {
            new Target("router-openai", "router openai→openai", $"http://127.0.0.1:{RouterPort}/v1/chat/completions", "gpt-bench", new(), "openai"),
            new Target("router-anthropic", "router openai→anthropic", $"http://127.0.0.1:{RouterPort}/v1/chat/completions", "claude-bench", new(), "anthropic"),
        };
        var bodies = targets.Select(t => Load.Body(t.Model, true)).ToArray();
        var hard = new CancellationTokenSource(TimeSpan.FromSeconds(30 + o.SoakChunks * o.SoakDelayMs / 1000.0 * 4));
        long open = 0, peakOpen = 0, ok = 0, failed = 0;
        var errors = new Dictionary<string, long>();
        var ttft = new List<double>(n);
        var ttlt = new List<double>(n);
        var spread = new List<double>(n);
        var tasks = new List<Task>(n);
        var overflowsBefore = ListenOverflows();
        var t0 = Stopwatch.GetTimestamp();
        await using (var rss = new RssSampler(new() { ["router"] = router.Pid }) { Watch = "router" })
        {
            var progress = Task.Run(async () =>
            {
                while (!hard.IsCancellationRequested && Interlocked.Read(ref ok) + Interlocked.Read(ref failed) < n)
                {
                    await Task.Delay(2000);
                    long atFake = -1;
                    long upstreamConns = -1;
                    try
                    {
                        atFake = await Procs.FakeCount(FakePort, "openai") + await Procs.FakeCount(FakePort, "anthropic");
                        upstreamConns = await Procs.FakeCount(FakePort, "h2c_connections");
                    }
                    catch { }
                    var threads = Native.StatusKb(router.Pid, "Threads") ?? 0;
                    if (threads > sec.PeakRouterThreads) sec.PeakRouterThreads = threads;
                    Console.WriteLine($"soak: {Stopwatch.GetElapsedTime(t0).TotalSeconds,5:0.0} s  open {Interlocked.Read(ref open),6}  reached fake {atFake,6}  done {Interlocked.Read(ref ok),6}  failed {Interlocked.Read(ref failed),6}  " +
                                      $"router RSS {(Native.StatusKb(router.Pid, "VmRSS") ?? 0) / 1024.0,7:0.0} MB  fds {rss.PeakFds}  threads {threads}" + (h2c ? $"  h2c conns {upstreamConns}" : ""));
                }
            });
            // Open the streams evenly over the ramp, in batches every 100 ms.
            var batch = Math.Max(1, (int)Math.Ceiling(n / (o.SoakRampS * 10)));
            sec.RampS = o.SoakRampS;
            for (var i = 0; i < n; i++)
            {
                if (i > 0 && i % batch == 0) await Task.Delay(100);
                var k = i % 2;
                tasks.Add(Task.Run(async () =>
                {
                    var start = Stopwatch.GetTimestamp();
                    var now = Interlocked.Increment(ref open);
                    long seen;
                    do { seen = Interlocked.Read(ref peakOpen); } while (now > seen && Interlocked.CompareExchange(ref peakOpen, now, seen) != seen);
                    var r = await Load.Send(client, targets[k], true, bodies[k], o.SoakChunks, hard.Token);
                    var end = Stopwatch.GetTimestamp();
                    Interlocked.Decrement(ref open);
                    if (r.Ok)
                    {
                        Interlocked.Increment(ref ok);
                        lock (ttlt) { ttlt.Add((end - start) * 1000.0 / Stopwatch.Frequency); ttft.Add((r.FirstToken - start) * 1000.0 / Stopwatch.Frequency); spread.Add((end - r.FirstToken) * 1000.0 / Stopwatch.Frequency); }
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                        var key = $"{targets[k].Key}: {r.Error}";
                        lock (errors) errors[key] = errors.GetValueOrDefault(key) + 1;
                    }
                }));
            }
            await Task.WhenAll(tasks);
            await progress;
            sec.Seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            sec.ListenOverflows = ListenOverflows() - overflowsBefore;
            await Task.Yield();
            sec.PeakRouterFds = rss.PeakFds;
            if (h2c)
                try { sec.PeakUpstreamConnections = await Procs.FakeCount(FakePort, "h2c_peak_connections"); } catch { }
            var peakKb = rss.PeakKb("router") ?? 0;
            sec.PeakRssMb = peakKb / 1024.0;
            sec.HwmMb = Native.StatusKb(router.Pid, "VmHWM") / 1024.0;
            sec.KbPerStream = (Math.Max(peakKb, (long)((sec.HwmMb ?? 0) * 1024)) - idleKb) / (double)n;
        }
        sec.Completed = ok;
        sec.Failed = failed;
        sec.PeakOpen = peakOpen;
        sec.RouterAliveAfter = router.Alive;
        ttft.Sort(); ttlt.Sort(); spread.Sort();
        sec.SpreadP50 = Load.Pct(spread, 0.5); sec.SpreadP99 = Load.Pct(spread, 0.99);
        sec.Pinned = Children.Pin;
        sec.TtftP50 = Load.Pct(ttft, 0.5); sec.TtftP99 = Load.Pct(ttft, 0.99);
        sec.TtltP50 = Load.Pct(ttlt, 0.5); sec.TtltP99 = Load.Pct(ttlt, 0.99);
        sec.ErrorCounts = errors.OrderByDescending(e => e.Value).Take(8).ToDictionary(e => e.Key, e => e.Value);
        if (!router.Alive)
        {
            sec.RouterExitCode = router.Proc.ExitCode;
            var tail = router.Tail.ToArray();
            var last = tail.LastOrDefault() ?? "";
            var cause = tail.Reverse().Select(l => l.Split("Cause:", 2) is { Length: 2 } p ? p[1].Trim() : null).FirstOrDefault(c => c is not null);
            sec.Notes.Add($"the router process died during the soak (exit code {router.Proc.ExitCode}{(router.Proc.ExitCode == 134 ? " = SIGABRT" : "")}); its last line: \"{Short(last)}\"" +
                          (cause is null ? "" : $"; the error logged just before: \"{Short(cause)}\""));
        }
        else
        {
            // Is it still serving after the soak?
            try
            {
                using var r = await Procs.Probe.GetAsync($"http://127.0.0.1:{RouterPort}/v1/health");
                if ((int)r.StatusCode != 200) sec.Notes.Add($"after the soak /v1/health answered {(int)r.StatusCode}");
            }
            catch (Exception e) { sec.Notes.Add($"after the soak /v1/health failed: {e.Message}"); }
        }
        sec.Notes.AddRange(LoadRun.LogProblems(router));
        var fdErrors = File.ReadLines(router.LogPath).Count(l => l.Contains("Too many open files") || l.Contains("Could not load file or assembly"));
        sec.FdExhausted = fdErrors > 0 || sec.PeakRouterFds >= (long)fdHard - 5;
        if (fdErrors > 0) sec.Notes.Add($"{fdErrors} router log lines show descriptor exhaustion (\"Too many open files\" / \"Could not load file or assembly\").");
        Console.WriteLine($"soak: {ok} completed, {failed} failed in {sec.Seconds:0.0} s; peak open {peakOpen}; router peak RSS {sec.PeakRssMb:0.0} MB (HWM {sec.HwmMb:0.0}), " +
                          $"{sec.KbPerStream:0.0} KB/stream; peak router fds {sec.PeakRouterFds}");
        foreach (var (e, c) in sec.ErrorCounts) Console.WriteLine($"soak: {c} × {e}");
        Children.Stop(router);
        Children.Stop(fake);
        try { Directory.Delete(authDir, true); } catch { }
        return sec;
    }
}
