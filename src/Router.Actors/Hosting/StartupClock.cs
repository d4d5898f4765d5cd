using System.Collections.Concurrent;
using System.Diagnostics;

namespace Router.Actors.Hosting;

/// <summary>
/// Milestones of start-up, in ms since the process started (the runtime's own start-up included):
/// what GET /v0/management/runtime reports as the start-up breakdown.
/// </summary>
public static class StartupClock
{
    // Marks keep the wall clock; the process's start time is read when they are reported (reading it at the
    // first mark cost start-up about 10 ms: System.Diagnostics.Process and a parse of /proc).
    private static readonly ConcurrentQueue<(string Phase, DateTime At)> Marks = new();

    /// <summary>Records a milestone the first time it is reached (a router built twice in one process keeps the first).</summary>
    public static void Mark(string phase)
    {
        if (Marks.Any(m => m.Phase == phase)) return;
        Marks.Enqueue((phase, DateTime.UtcNow));
    }

    public static IReadOnlyList<(string Phase, double Ms)> All
    {
        get
        {
            var processStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
            return Marks.Select(m => (m.Phase, (m.At - processStart).TotalMilliseconds)).ToArray();
        }
    }
}
