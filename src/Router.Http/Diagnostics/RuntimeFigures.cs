using System.Diagnostics;
using System.Runtime;
using System.Text.Json.Nodes;
using Router.Actors.Hosting;

namespace Router.Http.Diagnostics;

/// <summary>What the runtime holds right now: GC heaps, JIT work, loaded assemblies, threads, and the start-up milestones.</summary>
public static class RuntimeFigures
{
    private static readonly string[] Generations = ["gen0", "gen1", "gen2", "loh", "poh"];

    public static JsonObject Snapshot()
    {
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        var heaps = new JsonObject();
        for (var i = 0; i < Generations.Length && i < info.GenerationInfo.Length; i++)
            heaps[Generations[i]] = info.GenerationInfo[i].SizeAfterBytes;
        var startup = new JsonObject();
        foreach (var (phase, ms) in StartupClock.All) startup[phase] = Math.Round(ms, 1);
        var assemblies = AppDomain.CurrentDomain.GetAssemblies()
            .Select(a => a.GetName().Name ?? "?").Order(StringComparer.Ordinal).Select(n => (JsonNode)n!).ToArray();
        using var process = Process.GetCurrentProcess();
        return new JsonObject
        {
            ["startup_ms"] = startup,
            ["gc"] = new JsonObject
            {
                ["mode"] = GCSettings.IsServerGC ? "server" : "workstation",
                ["concurrent"] = GCSettings.LatencyMode != GCLatencyMode.Batch,
                ["heap_bytes"] = GC.GetTotalMemory(false),
                ["committed_bytes"] = info.TotalCommittedBytes,
                ["fragmented_bytes"] = info.FragmentedBytes,
                ["generations_after_last_gc"] = heaps,
                ["collections"] = new JsonArray(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)),
                ["allocated_bytes"] = GC.GetTotalAllocatedBytes(false),
                ["pause_ms"] = Math.Round(GC.GetTotalPauseDuration().TotalMilliseconds, 1),
                // `router serve` trims the heap when it goes quiet (IdleHeapTrim); a router inside another process does not.
                ["idle_trims"] = Operations.IdleHeapTrim.Trims,
                ["last_idle_trim_ms"] = Math.Round(Operations.IdleHeapTrim.LastTrimMs, 1),
            },
            ["jit"] = new JsonObject
            {
                ["methods"] = System.Runtime.JitInfo.GetCompiledMethodCount(false),
                ["ms"] = Math.Round(System.Runtime.JitInfo.GetCompilationTime(false).TotalMilliseconds, 1),
                ["il_bytes"] = System.Runtime.JitInfo.GetCompiledILBytes(false),
            },
            ["assemblies"] = new JsonObject { ["count"] = assemblies.Length, ["names"] = new JsonArray(assemblies) },
            ["threads"] = new JsonObject
            {
                ["process"] = process.Threads.Count,
                ["thread_pool"] = ThreadPool.ThreadCount,
                // Every hand-off to the pool (a continuation, a mailbox run, a socket completion) counts one.
                ["thread_pool_completed_items"] = ThreadPool.CompletedWorkItemCount,
            },
        };
    }
}
