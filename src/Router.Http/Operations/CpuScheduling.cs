using System.Runtime.InteropServices;

namespace Router.Http.Operations;

/// <summary>
/// `server.cpu_scheduling: batch`: every thread of the router in Linux's SCHED_BATCH class. A thread in that class
/// that wakes (a socket became readable, a work item was queued) does not preempt the thread running on its CPU; it
/// runs when that thread blocks or its time slice ends. Under load this saves the router the context switches of
/// preemption, which on a virtual machine cost several microseconds each (bench/README.md, "Who may preempt whom").
/// An idle CPU runs a woken thread at once, as before. The runtime makes its threads with the default class rather
/// than the creator's, so the threads made after the start (the thread pool grows and shrinks) are put in it by a
/// sweep once a second. No privilege is needed to enter the class; elsewhere than on Linux nothing is done.
/// </summary>
public sealed class CpuScheduling : IDisposable
{
    private const int SchedBatch = 3, NoSuchThread = 3; // SCHED_BATCH; ESRCH
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(1);

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam { public int Priority; }

    [DllImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static extern int SetScheduler(int tid, int policy, ref SchedParam param);

    [DllImport("libc", EntryPoint = "sched_getscheduler", SetLastError = true)]
    private static extern int GetScheduler(int tid);

    private readonly Timer _sweep;
    private readonly ILogger _log;

    private CpuScheduling(ILogger log)
    {
        _log = log;
        _sweep = new Timer(_ => Sweep(), null, SweepEvery, SweepEvery);
    }

    /// <summary>Applies the setting to this process at start and keeps it applied; null when there is nothing to keep.</summary>
    public static CpuScheduling? Start(string setting, ILogger log)
    {
        if (setting != "batch" || !OperatingSystem.IsLinux()) return null;
        var (threads, error) = UseBatch(Environment.ProcessId);
        if (error is { } errno)
        {
            log.LogWarning("server.cpu_scheduling: the system refused SCHED_BATCH (errno {Errno}); the router runs with the scheduling it started with", errno);
            return null;
        }
        log.LogInformation("CPU scheduling: batch ({Threads} threads; a woken thread no longer preempts a running one)", threads);
        return new CpuScheduling(log);
    }

    private void Sweep()
    {
        if (UseBatch(Environment.ProcessId).Error is { } errno)
        {
            _log.LogWarning("server.cpu_scheduling: the system refused SCHED_BATCH for a new thread (errno {Errno}); new threads keep the default scheduling", errno);
            _sweep.Dispose();
        }
    }

    /// <summary>
    /// Puts every thread of process <paramref name="pid"/> that is not in SCHED_BATCH in it: how many it set, and the
    /// error number of the first refusal (null when none).
    /// </summary>
    public static (int Threads, int? Error) UseBatch(int pid)
    {
        var set = 0;
        foreach (var tid in ThreadsOf(pid))
        {
            var policy = GetScheduler(tid);
            if (policy == SchedBatch || policy < 0) continue; // in it already, or gone
            var none = new SchedParam();
            if (SetScheduler(tid, SchedBatch, ref none) == 0) set++;
            else if (Marshal.GetLastPInvokeError() is var errno && errno != NoSuchThread) return (set, errno);
        }
        return (set, null);
    }

    private static List<int> ThreadsOf(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task")
                .Select(path => int.TryParse(Path.GetFileName(path), out var tid) ? tid : 0)
                .Where(tid => tid > 0)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return []; // the process is gone, or /proc is not readable: nothing to set (the sweep runs on a timer and must not throw)
        }
    }

    public void Dispose() => _sweep.Dispose();
}
