using System.Runtime.InteropServices;
using Router.Http.Body;

namespace Router.Http.Operations;

/// <summary>
/// Gives memory back once the router goes quiet. The GC collects its young generation only when that generation's
/// budget is spent, and the budget grows with the CPU's cache: on a CPU with a large L3 an idle router kept the
/// whole of its start-up's garbage (about 50 MB) for as long as it stayed idle, and after a burst it keeps the
/// burst's. So four times a second this reads how much the process has allocated: once half a second has gone by
/// with almost nothing allocated and enough since the last trim to be worth it, it runs one compacting, aggressive collection
/// (which decommits what it frees; 25–200 ms on this kind of heap, paid while nothing is being served) and hands
/// the C heap's free pages back. A router serving more than a few requests a second is never trimmed.
/// </summary>
public sealed class IdleHeapTrim : IDisposable
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(250);

    private readonly IdleTrimPolicy _policy = new(GC.GetTotalAllocatedBytes(false));
    private readonly Timer _timer;
    private int _checking;

    private IdleHeapTrim() => _timer = new Timer(_ => Check(), null, CheckEvery, CheckEvery);

    /// <summary>How many trims this process ran, and the last one's pause: GET /v0/management/runtime shows them.</summary>
    public static int Trims => _trims;
    public static double LastTrimMs { get; private set; }
    private static int _trims;

    public static IdleHeapTrim Start() => new();

    private void Check()
    {
        if (Interlocked.Exchange(ref _checking, 1) == 1) return; // a timer tick may come while the last one trims
        try
        {
            if (!_policy.ShouldTrim(GC.GetTotalAllocatedBytes(false))) return;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            HeapTrim.CollectAggressively();
            ReleaseFreeNativeMemory();
            LastTrimMs = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Interlocked.Increment(ref _trims);
            Router.Actors.Hosting.StartupClock.Mark("first_idle_trim");
            _policy.Trimmed(GC.GetTotalAllocatedBytes(false));
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    /// <summary>glibc keeps freed C-heap pages mapped; malloc_trim returns them. Other C libraries have no such call.</summary>
    private static void ReleaseFreeNativeMemory()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { MallocTrim(0); }
        catch (EntryPointNotFoundException) { }
        catch (DllNotFoundException) { }
    }

    public void Dispose() => _timer.Dispose();
}

/// <summary>
/// When to trim, from the process's running total of allocated bytes read at each check: each of the last
/// <see cref="QuietChecks"/> intervals allocated less than <see cref="QuietBytes"/> (an idle router allocates a few hundred
/// bytes in one, a JSON answer about 10 KB: at most a request now and then is being served), and at least
/// <see cref="WorthBytes"/> were allocated since the last trim (there is garbage worth a full collection).
/// </summary>
public sealed class IdleTrimPolicy(long allocatedAtStart)
{
    public const long QuietBytes = 16 * 1024, WorthBytes = 16 * 1024 * 1024;
    public const int QuietChecks = 2;

    private long _lastCheck = allocatedAtStart;
    private long _lastTrim; // from zero: the garbage of start-up counts, and the first quiet moment trims it
    private int _quiet;

    public bool ShouldTrim(long allocated)
    {
        _quiet = allocated - _lastCheck < QuietBytes ? _quiet + 1 : 0;
        _lastCheck = allocated;
        return _quiet >= QuietChecks && allocated - _lastTrim >= WorthBytes;
    }

    public void Trimmed(long allocated)
    {
        _lastTrim = _lastCheck = allocated;
        _quiet = 0;
    }
}
