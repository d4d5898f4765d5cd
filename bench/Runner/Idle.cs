using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bench;

/// <summary>One fresh start of the router, measured at its first 200 and 2 s later (no request served in between).</summary>
sealed class IdleStart
{
    public string Variant { get; set; } = Idle.Published;
    public double StartupMs { get; set; }
    public double CpuMsToReady { get; set; }          // user + system CPU of the process until its first 200
    public double RssMb { get; set; }
    public double AnonMb { get; set; }                 // RssAnon: GC heaps, native heaps, thread stacks, JIT'd code without W^X
    public double FileMb { get; set; }                 // RssFile: mapped dlls and .so files (shared, clean)
    public double ShmemMb { get; set; }                // RssShmem: the runtime's W^X double-mapped executable memory (JIT'd code, stubs, loader heaps)
    public double PrivateMb { get; set; }              // Private_Clean + Private_Dirty of smaps_rollup: what this process alone holds (USS)
    public double DllMb { get; set; }
    public int DllsMapped { get; set; }
    public double SoMb { get; set; }
    public double NativeHeapMb { get; set; }           // [heap]: malloc
    public int Threads { get; set; }
    public List<string> BiggestDlls { get; set; } = new(); // "name MB"
    public Dictionary<string, double> PhasesMs { get; set; } = new();
    public long? GcHeapBytes { get; set; }
    public long? GcCommittedBytes { get; set; }
    public Dictionary<string, long> GcGenerations { get; set; } = new();
    public long? JitMethods { get; set; }
    public double? JitMs { get; set; }
    public int? Assemblies { get; set; }
    public int? ThreadPoolThreads { get; set; }
    public string? Error { get; set; }
}

sealed class IdleSection
{
    public string When { get; set; } = "";
    public string Command { get; set; } = "";
    public string RouterSource { get; set; } = "";
    public string LoadAvgBefore { get; set; } = "";
    public string LoadAvgAfter { get; set; } = "";
    public bool Pinned { get; set; }
    public List<IdleStart> Starts { get; set; } = new();

    /// <summary>The start whose idle RSS is the median: the one the breakdown is shown for.</summary>
    [JsonIgnore] public IdleStart? Median => MedianStart(Idle.Published);
    [JsonIgnore] public double? MedianStartupMs => MedianStartupMsOf(Idle.Published);
    [JsonIgnore] public double? MedianCpuMs => MedianCpuMsOf(Idle.Published);
    /// <summary>The median start of the design's whole floor (its last layer).</summary>
    [JsonIgnore] public IdleStart? Floor => MedianStart(Idle.TopFloor);

    public double? MedianStartupMsOf(string variant) => MedianOf(Ok(variant).Select(s => s.StartupMs));
    public double? MedianCpuMsOf(string variant) => MedianOf(Ok(variant).Select(s => s.CpuMsToReady));

    public IdleStart? MedianStart(string variant) => Ok(variant).OrderBy(s => s.RssMb).ElementAtOrDefault(Ok(variant).Count() / 2);
    private IEnumerable<IdleStart> Ok(string variant) => Starts.Where(s => s.Error is null && s.Variant == variant);

    private static double? MedianOf(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count == 0 ? null : v[v.Count / 2];
    }
}

/// <summary>
/// Start-up and idle breakdown: the router started fresh several times (as the load run starts it, pinned to CPU 1),
/// timed to its first 200 on /v1/health, then after 2 s idle its memory read from /proc (RSS by kind, mapped files)
/// and its runtime figures from GET /v0/management/runtime (GC heaps, JIT, assemblies, start-up milestones).
/// </summary>
static class Idle
{
    public const int RouterPort = 18397;
    public const string Published = "published (ReadyToRun)";
    public const string JitOnly = "dotnet build (JIT only)";

    /// <summary>bench/Floor's layers, each on top of the one before (the last is everything the design fixes).</summary>
    public static readonly (string Floor, string What)[] Floors =
    [
        ("aspnet", "ASP.NET Core (Kestrel, one endpoint)"),
        ("actors", "+ an Akka.NET actor system (Akka.Hosting, one actor)"),
        ("cluster", "+ remoting, a cluster of one, a shard region of in-memory entities"),
        ("persistence", "+ the entities persistent on Akka.Persistence.Sql over SQLite (linq2db)"),
    ];

    public static string FloorName(string floor) => "floor: " + floor;
    public static readonly string TopFloor = FloorName(Floors[^1].Floor);
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<IdleSection> Run(Options o, BuiltEnv env, string cache)
    {
        var sec = new IdleSection
        {
            When = DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm zzz"),
            Command = "dotnet run -c Release --project bench/Runner --" + (o.IdleCompare ? " --idle-compare" : o.IdleOnly ? " --idle" : o.Quick ? " --quick" : "") + (o.IdleStarts != 3 ? $" --idle-starts {o.IdleStarts}" : ""),
            RouterSource = env.RouterSource, Pinned = Children.Pin, LoadAvgBefore = LoadRun.LoadAvg(),
        };
        Procs.EnsureFree(RouterPort, "router (idle breakdown)");
        // With --idle-compare the plain `dotnet build` output starts in turn with the published one, side by side.
        // The design's floors start in turn with the router: what the fixed parts cost before the router adds anything.
        var variants = new List<(string Name, string Dll, string[] Args)> { (Published, env.RouterDll, []) };
        if (env.RouterJitDll is { } jit) variants.Add((JitOnly, jit, []));
        if (env.FloorDll is { } floor)
            variants.AddRange(Floors.Select(f => (FloorName(f.Floor), floor, new[] { "--floor", f.Floor })));
        for (var i = 0; i < o.IdleStarts; i++)
        {
            foreach (var (name, dll, args) in variants)
            {
                var start = await MeasureOne(dll, args, cache, i);
                start.Variant = name;
                sec.Starts.Add(start);
                Console.WriteLine(start.Error is { } e ? $"idle: {name} start {i + 1} failed: {e}"
                    : $"idle: {name} start {i + 1}: first 200 after {start.StartupMs:0} ms ({start.CpuMsToReady:0} ms CPU), idle RSS {start.RssMb:0.0} MB");
            }
        }
        sec.LoadAvgAfter = LoadRun.LoadAvg();
        return sec;
    }

    private static async Task<IdleStart> MeasureOne(string dll, string[] args, string cache, int i)
    {
        var authDir = Path.Combine(Path.GetTempPath(), "router-bench-idle-" + Guid.NewGuid().ToString("N")[..8]);
        var config = Procs.WriteRouterConfig(cache, RouterPort, LoadRun.FakePort, authDir);
        var router = Children.Start($"{(args.Length > 0 ? "floor" : "router")}-idle-{i + 1}", "dotnet", [dll, .. args, "--config", config], cpu: 1);
        var s = new IdleStart();
        try
        {
            s.StartupMs = await Procs.WaitReady(router, $"http://127.0.0.1:{RouterPort}/v1/health", c => c == 200, TimeSpan.FromSeconds(60));
            s.CpuMsToReady = CpuMs(router.Pid);
            await Task.Delay(2000);
            ReadProc(router.Pid, s);
            if (args.Length == 0) await ReadRuntime(s);
        }
        catch (Exception e) { s.Error = e.Message.Split('\n')[0]; }
        finally
        {
            Children.Stop(router);
            try { Directory.Delete(authDir, true); } catch { }
        }
        return s;
    }

    /// <summary>utime + stime in ms (clock ticks of 10 ms); the process has just answered, so it is there to read.</summary>
    private static double CpuMs(int pid) =>
        (Native.CpuTicks(pid) ?? throw new InvalidOperationException($"process {pid} is gone: no CPU time to read")) * 10.0;

    private static void ReadProc(int pid, IdleStart s)
    {
        double Mb(string field) => (Native.StatusKb(pid, field) ?? 0) / 1024.0;
        s.RssMb = Mb("VmRSS"); s.AnonMb = Mb("RssAnon"); s.FileMb = Mb("RssFile"); s.ShmemMb = Mb("RssShmem");
        s.Threads = (int)(Native.StatusKb(pid, "Threads") ?? 0);
        s.PrivateMb = File.ReadLines($"/proc/{pid}/smaps_rollup")
            .Where(l => l.StartsWith("Private_Clean:", StringComparison.Ordinal) || l.StartsWith("Private_Dirty:", StringComparison.Ordinal))
            .Sum(l => long.Parse(l.Split(':')[1].Trim().Split(' ')[0], Inv)) / 1024.0;
        var rssByPath = new Dictionary<string, long>();
        string? current = null;
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            if (IsMappingHeader(line))
            {
                var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                current = parts.Length >= 6 ? parts[5].Trim() : "[anon]";
            }
            else if (current is not null && line.StartsWith("Rss:", StringComparison.Ordinal))
                rssByPath[current] = rssByPath.GetValueOrDefault(current) + long.Parse(line[4..].Trim().Split(' ')[0], Inv);
        }
        var dlls = rssByPath.Where(kv => kv.Key.EndsWith(".dll", StringComparison.Ordinal)).ToList();
        s.DllsMapped = dlls.Count;
        s.DllMb = dlls.Sum(kv => kv.Value) / 1024.0;
        s.SoMb = rssByPath.Where(kv => kv.Key.Contains(".so", StringComparison.Ordinal)).Sum(kv => kv.Value) / 1024.0;
        s.NativeHeapMb = rssByPath.GetValueOrDefault("[heap]") / 1024.0;
        s.BiggestDlls = dlls.OrderByDescending(kv => kv.Value).Take(6)
            .Select(kv => $"{Path.GetFileName(kv.Key)} {kv.Value / 1024.0:0.0}".ToString(Inv)).ToList();
    }

    /// <summary>"start-end perms offset dev inode [path]": the first field is a hex address range.</summary>
    private static bool IsMappingHeader(string line)
    {
        var space = line.IndexOf(' ');
        return space > 0 && line.AsSpan(0, space).IndexOf('-') > 0 && !line.AsSpan(0, space).EndsWith(":");
    }

    private static async Task ReadRuntime(IdleStart s)
    {
        var json = await Procs.Probe.GetStringAsync($"http://127.0.0.1:{RouterPort}/v0/management/runtime");
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        foreach (var p in root.GetProperty("startup_ms").EnumerateObject()) s.PhasesMs[p.Name] = p.Value.GetDouble();
        var gc = root.GetProperty("gc");
        s.GcHeapBytes = gc.GetProperty("heap_bytes").GetInt64();
        s.GcCommittedBytes = gc.GetProperty("committed_bytes").GetInt64();
        foreach (var g in gc.GetProperty("generations_after_last_gc").EnumerateObject()) s.GcGenerations[g.Name] = g.Value.GetInt64();
        var jit = root.GetProperty("jit");
        s.JitMethods = jit.GetProperty("methods").GetInt64();
        s.JitMs = jit.GetProperty("ms").GetDouble();
        s.Assemblies = root.GetProperty("assemblies").GetProperty("count").GetInt32();
        s.ThreadPoolThreads = root.GetProperty("threads").GetProperty("thread_pool").GetInt32();
    }

    private static string F(double? v, string fmt = "0.0") => v is null ? "–" : v.Value.ToString(fmt, Inv);
    private static string Mb(long? bytes) => bytes is null ? "–" : (bytes.Value / 1048576.0).ToString("0.0", Inv);

    public static IEnumerable<(string Goal, string Measured, string Status)> Goals(IdleSection? sec)
    {
        static string Met(bool ok) => ok ? "**met**" : "**missed**";
        var m = sec?.Median;
        var floor = sec?.Floor;
        var floorStartup = sec?.MedianStartupMsOf(TopFloor);
        yield return ("router idle RSS < 100 MB (fresh start, 2 s after the first 200, median of the idle-breakdown starts)",
            m is null ? "–" : $"{m.RssMb:0.0} MB" + (floor is null ? "" : $"; the design's floor alone {floor.RssMb:0.0} MB"),
            m is null ? "not measured" : Met(m.RssMb < 100) + (m.RssMb >= 100 && floor?.RssMb >= 100 ? " (the design's floor misses it too)" : ""));
        var st = sec?.MedianStartupMs;
        yield return ("router start to first 200 on /v1/health < 1 s (median of the idle-breakdown starts)",
            st is null ? "–" : $"{st / 1000:0.00} s ({sec!.MedianCpuMs:0} ms CPU)" +
                (floorStartup is { } fs ? $"; the design's floor alone {fs / 1000:0.00} s" : ""),
            st is null ? "not measured" : Met(st < 1000) + (st >= 1000 && floorStartup >= 1000 ? " (the design's floor misses it too)" : ""));
    }

    public static void Markdown(StringBuilder sb, IdleSection sec)
    {
        sb.AppendLine("## Start-up and idle breakdown").AppendLine();
        sb.AppendLine($"{sec.Starts.Count} fresh starts, the router's in turn with the design's floors below, one at a time ({sec.When}, `{sec.Command}`, router: {sec.RouterSource}; " +
                      $"{(sec.Pinned ? "pinned to CPU 1" : "no pinning")}; load average before {sec.LoadAvgBefore}, after {sec.LoadAvgAfter}). " +
                      "Start-up = process start → first 200 on `/v1/health` (polled every 10 ms); CPU = the process's user + system time at that moment; " +
                      "memory read 2 s later from `/proc/PID/status`, `/proc/PID/smaps` and `smaps_rollup` (private = pages no other process shares); file = mapped dlls and .so files, clean and shared with every .NET process using them; shmem = the runtime's double-mapped (W^X) executable memory; runtime figures (the router only) from `GET /v0/management/runtime`.").AppendLine();
        sb.AppendLine("| process | start | start-up ms | CPU ms to first 200 | idle RSS MB | private MB (USS) | anon MB | file MB | shmem (W^X code) MB | threads | JIT'd methods | JIT ms | assemblies |")
          .AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (var i = 0; i < sec.Starts.Count; i++)
        {
            var s = sec.Starts[i];
            if (s.Error is not null) { sb.AppendLine($"| {s.Variant} | {i + 1} | failed: {s.Error} | | | | | | | | | | |"); continue; }
            sb.AppendLine($"| {s.Variant} | {i + 1} | {F(s.StartupMs, "0")} | {F(s.CpuMsToReady, "0")} | {F(s.RssMb)} | {F(s.PrivateMb)} | {F(s.AnonMb)} | {F(s.FileMb)} | {F(s.ShmemMb)} | {s.Threads} | " +
                          $"{s.JitMethods?.ToString("N0", Inv) ?? "–"} | {F(s.JitMs, "0")} | {s.Assemblies?.ToString(Inv) ?? "–"} |");
        }
        sb.AppendLine();
        FloorTable(sb, sec);
        foreach (var variant in new[] { Published, JitOnly })
            if (sec.MedianStart(variant) is { } m) Breakdown(sb, variant, m);
    }

    /// <summary>Medians per layer of the design's floor, and what the router adds on top of the last one.</summary>
    private static void FloorTable(StringBuilder sb, IdleSection sec)
    {
        if (sec.Floor is null) return;
        sb.AppendLine("The design's floor (bench/Floor, published and started the same way, in turn with the router): each layer adds one fixed part of the design; the last holds all of them and nothing of the router. Medians of the starts above.").AppendLine();
        sb.AppendLine("| layer | start-up ms | CPU ms to first 200 | idle RSS MB | file MB | private MB |").AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (floor, what) in Floors)
            if (sec.MedianStart(FloorName(floor)) is { } m)
                sb.AppendLine($"| {floor}: {what} | {F(sec.MedianStartupMsOf(FloorName(floor)), "0")} | {F(sec.MedianCpuMsOf(FloorName(floor)), "0")} | {F(m.RssMb)} | {F(m.FileMb)} | {F(m.PrivateMb)} |");
        if (sec.Median is { } r)
            sb.AppendLine($"| the router | {F(sec.MedianStartupMs, "0")} | {F(sec.MedianCpuMs, "0")} | {F(r.RssMb)} | {F(r.FileMb)} | {F(r.PrivateMb)} |");
        sb.AppendLine();
    }

    private static void Breakdown(StringBuilder sb, string variant, IdleStart m)
    {
        sb.AppendLine($"Breakdown of the median start of the {variant} router (by idle RSS):").AppendLine();
        sb.AppendLine($"- start-up milestones (ms since process start): " +
                      string.Join(", ", m.PhasesMs.OrderBy(p => p.Value).Select(p => $"{p.Key} {p.Value:0}".ToString(Inv))) + $", first 200 {m.StartupMs:0}");
        sb.AppendLine($"- mapped files: {m.DllsMapped} dlls {m.DllMb:0.0} MB resident (biggest: {string.Join(", ", m.BiggestDlls)} MB), native libraries (.so) {m.SoMb:0.0} MB");
        sb.AppendLine($"- GC: heap {Mb(m.GcHeapBytes)} MB, committed {Mb(m.GcCommittedBytes)} MB; after the last GC " +
                      string.Join(", ", m.GcGenerations.Select(g => $"{g.Key} {Mb(g.Value)}")) + " MB");
        sb.AppendLine($"- native heap (malloc) {m.NativeHeapMb:0.0} MB; other anonymous memory (thread stacks, runtime data, GC bookkeeping) " +
                      $"{Math.Max(0, m.AnonMb - m.NativeHeapMb - (m.GcCommittedBytes ?? 0) / 1048576.0):0.0} MB");
        sb.AppendLine($"- threads: {m.Threads} in the process, {m.ThreadPoolThreads?.ToString(Inv) ?? "–"} of them thread-pool threads");
        sb.AppendLine();
    }
}
