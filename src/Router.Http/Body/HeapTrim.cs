using System.Runtime;

namespace Router.Http.Body;

/// <summary>
/// Gives the heap's free memory back to the operating system once large requests are done: a
/// compacting, aggressive collection (which decommits what it frees) on a pool thread, at most one
/// at a time. Without it the runtime keeps a burst's peak for as long as the machine has memory to spare.
/// </summary>
public sealed class HeapTrim
{
    /// <summary>A body at least this large starts on a collected heap, so one large request's garbage never adds to the next one's.</summary>
    public const long CollectBefore = 4 * 1024 * 1024;

    public static void CollectNow()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    /// <summary>A compacting collection of every generation that decommits the memory it frees.</summary>
    public static void CollectAggressively()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private int _running;

    public void Request()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1) return;
        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            try
            {
                CollectAggressively();
            }
            finally
            {
                Volatile.Write(ref _running, 0);
            }
        }, null);
    }
}
