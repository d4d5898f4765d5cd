using System.Collections.Concurrent;
using System.Diagnostics;

namespace Router.Actors.Hosting;

/// <summary>
/// Milestones of start-up, in ms since the process started (the runtime's own start-up included):
/// what GET /v0/management/runtime reports as the start-up breakdown.
/// </summary>
public static class StartupClock
{
    private static readonly DateTime ProcessStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
    private static readonly ConcurrentQueue<(string Phase, double Ms)> Marks = new();

    /// <summary>Records a milestone the first time it is reached (a router built twice in one process keeps the first).</summary>
    public static void Mark(string phase)
    {
        if (Marks.Any(m => m.Phase == phase)) return;
        Marks.Enqueue((phase, (DateTime.UtcNow - ProcessStart).TotalMilliseconds));
    }

    public static IReadOnlyList<(string Phase, double Ms)> All => Marks.ToArray();
}
