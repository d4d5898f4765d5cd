using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Bench;

/// <summary>A process the runner started; its stdout/stderr go to a log file and the last lines stay in memory.</summary>
sealed class Child
{
    public required string Name { get; init; }
    public required Process Proc { get; init; }
    public required string LogPath { get; init; }
    public long StartedAt { get; init; }
    public readonly Queue<string> Tail = new();
    public int Pid => Proc.Id;
    public bool Alive { get { try { return !Proc.HasExited; } catch { return false; } } }
    public string TailText(int lines = 15) { lock (Tail) return string.Join("\n", Tail.TakeLast(lines)); }
}

/// <summary>Every child process goes through here, so every one of them is killed on exit, Ctrl+C, SIGTERM or an exception.</summary>
static class Children
{
    private static readonly List<Child> All = new();
    public static string LogDir = Path.GetTempPath();
    public static bool Pin;

    public static Child Start(string name, string file, IEnumerable<string> args, int? cpu = null,
        IDictionary<string, string>? env = null, string? cwd = null)
    {
        var pinned = Pin && cpu is not null;
        var psi = new ProcessStartInfo(pinned ? "taskset" : file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = cwd ?? Environment.CurrentDirectory,
        };
        if (pinned) { psi.ArgumentList.Add("-c"); psi.ArgumentList.Add(cpu!.Value.ToString()); psi.ArgumentList.Add(file); }
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        var logPath = Path.Combine(LogDir, name + ".log");
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var proc = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new Child { Name = name, Proc = proc, LogPath = logPath, StartedAt = Stopwatch.GetTimestamp() };
        void OnLine(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (child.Tail) { child.Tail.Enqueue(e.Data); while (child.Tail.Count > 200) child.Tail.Dequeue(); }
            lock (log) { try { log.WriteLine(e.Data); } catch (ObjectDisposedException) { } }
        }
        proc.OutputDataReceived += OnLine;
        proc.ErrorDataReceived += OnLine;
        lock (All)
        {
            proc.Start();
            All.Add(child);
        }
        proc.BeginOutputReadLine();
        proc.BeginErrorReadLine();
        return child;
    }

    public static void Stop(Child c)
    {
        try
        {
            if (!c.Proc.HasExited)
            {
                c.Proc.Kill(entireProcessTree: true);
                c.Proc.WaitForExit(5000);
            }
        }
        catch { /* already gone */ }
        lock (All) All.Remove(c);
    }

    public static void KillAll()
    {
        List<Child> copy;
        lock (All) copy = All.ToList();
        for (var i = copy.Count - 1; i >= 0; i--) Stop(copy[i]);
    }

    /// <summary>Runs a tool to completion (a build, npm), output to NAME.log; returns exit code and the last lines.</summary>
    public static async Task<(int Code, string Tail)> RunToEnd(string name, string file, IEnumerable<string> args, TimeSpan timeout,
        IDictionary<string, string>? env = null, string? cwd = null)
    {
        var c = Start(name, file, args, null, env, cwd);
        using var cts = new CancellationTokenSource(timeout);
        try { await c.Proc.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { Stop(c); return (-1, $"timed out after {timeout.TotalSeconds:0} s\n" + c.TailText()); }
        c.Proc.WaitForExit(); // drains the redirected output
        lock (All) All.Remove(c);
        return (c.Proc.ExitCode, c.TailText());
    }
}

static class Native
{
    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit { public ulong Cur; public ulong Max; }

    [DllImport("libc", SetLastError = true)] private static extern int getrlimit(int resource, out RLimit rlim);
    [DllImport("libc", SetLastError = true)] private static extern int setrlimit(int resource, ref RLimit rlim);
    [DllImport("libc", SetLastError = true)] private static extern int sched_setaffinity(int pid, nint cpusetsize, ref ulong mask);
    [DllImport("libc")] private static extern int usleep(uint microseconds);

    /// <summary>Sleeps this thread for about that long (the kernel's timer slack, 50 µs by default, is the error):
    /// Thread.Sleep and Task.Delay only know milliseconds.</summary>
    public static void SleepMicroseconds(long microseconds) => usleep((uint)Math.Min(microseconds, 1_000_000));

    private const int RlimitNofile = 7;

    /// <summary>Raises this process's open-file soft limit to the hard limit (children inherit it); returns (soft, hard).</summary>
    public static (ulong Soft, ulong Hard) RaiseOpenFiles()
    {
        if (!OperatingSystem.IsLinux() || getrlimit(RlimitNofile, out var r) != 0) return (0, 0);
        var want = new RLimit { Cur = Math.Max(r.Max, 65536), Max = Math.Max(r.Max, 65536) };
        if (setrlimit(RlimitNofile, ref want) != 0)
        {
            want = new RLimit { Cur = r.Max, Max = r.Max };
            setrlimit(RlimitNofile, ref want);
        }
        getrlimit(RlimitNofile, out r);
        return (r.Cur, r.Max);
    }

    /// <summary>Pins every thread of this process to one CPU (threads created later inherit it).</summary>
    public static bool PinSelf(int cpu)
    {
        if (!OperatingSystem.IsLinux()) return false;
        var mask = 1UL << cpu;
        var ok = true;
        foreach (var dir in Directory.GetDirectories("/proc/self/task"))
            if (int.TryParse(Path.GetFileName(dir), out var tid) && sched_setaffinity(tid, sizeof(ulong), ref mask) != 0) ok = false;
        return ok;
    }

    /// <summary>utime + stime of a process from /proc/PID/stat, in clock ticks (1/100 s); null when it is gone.</summary>
    public static long? CpuTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11]) + long.Parse(fields[12]); // fields 14 and 15 of proc(5)
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException) { return null; }
    }

    /// <summary>utime + stime of a process in seconds; 0 when it is gone.</summary>
    public static double CpuSeconds(int pid) => (CpuTicks(pid) ?? 0) / 100.0;

    /// <summary>
    /// Seconds one CPU has been busy since boot (/proc/stat: everything but idle and I/O wait, the kernel's softirqs and
    /// the time the hypervisor took included): what the processes' own CPU times leave out, such as the loopback network
    /// work the kernel does on that CPU. 0 when it cannot be read.
    /// </summary>
    public static double CoreBusySeconds(int cpu)
    {
        try
        {
            var prefix = $"cpu{cpu} ";
            var line = File.ReadLines("/proc/stat").FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            if (line is null) return 0;
            var ticks = line[prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
            return (ticks.Sum() - ticks[3] - ticks[4] - (ticks.Length > 8 ? ticks[8] + ticks[9] : 0)) / 100.0; // less idle, iowait, and guest (already in user)
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException) { return 0; }
    }

    /// <summary>One thread's name and its voluntary context switches so far (it went to sleep, to be woken again).</summary>
    public readonly record struct ThreadSleeps(string Name, long Sleeps);

    /// <summary>Every thread of a process with its sleeps so far, by thread id (/proc/PID/task/TID/status); empty
    /// when the process is gone.</summary>
    public static Dictionary<int, ThreadSleeps> SleepsByThread(int pid)
    {
        var counts = new Dictionary<int, ThreadSleeps>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                try
                {
                    string name = "?";
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                        if (line.StartsWith("Name:", StringComparison.Ordinal)) name = line[5..].Trim();
                        else if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                            counts[int.Parse(Path.GetFileName(task))] = new(name, long.Parse(line.AsSpan(24).Trim()));
                }
                catch (IOException) { } // a thread that ended while we looked
        }
        catch (IOException) { }
        return counts;
    }

    /// <summary>Sleeps between two readings of <see cref="SleepsByThread"/>, summed by thread name: threads that ended
    /// in between are left out of both, threads that started count from zero.</summary>
    public static Dictionary<string, long> SleepsBetween(Dictionary<int, ThreadSleeps> before, Dictionary<int, ThreadSleeps> after) =>
        after.GroupBy(t => t.Value.Name).ToDictionary(g => g.Key, g => g.Sum(t => t.Value.Sleeps - (before.TryGetValue(t.Key, out var b) ? b.Sleeps : 0)));

    /// <summary>A field of /proc/PID/status in KiB (VmRSS, VmHWM), or null when the process is gone.</summary>
    public static long? StatusKb(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                    return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0]);
        }
        catch { }
        return null;
    }
}
