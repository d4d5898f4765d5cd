using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Router.Actors.Services;

/// <summary>A polite stop for a child process: SIGTERM, a grace period, then a kill of its whole tree.</summary>
public static class ProcessSignals
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(2);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>setsid, when this system has it: starts a process as the leader of its own process group.</summary>
    public static string? SessionLauncher { get; } = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    /// <summary>Sends SIGTERM (on Unix); false when there is no such process.</summary>
    public static bool Terminate(int pid) => pid > 0 && !OperatingSystem.IsWindows() && Kill(pid, SigTerm) == 0;

    /// <summary>A signal to the process group the process leads (started through setsid), else to the process.</summary>
    private static bool SignalGroup(int pid, int signal) =>
        pid > 0 && !OperatingSystem.IsWindows() && (SessionLauncher is not null ? Kill(-pid, signal) == 0 : Kill(pid, signal) == 0);

    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// SIGTERM to the process group, up to <paramref name="grace"/> to exit, then SIGKILL to the group and
    /// the process tree. Never blocks a thread: callers (actors) await it outside their mailbox.
    /// </summary>
    public static async Task StopAsync(Process process, TimeSpan grace)
    {
        try
        {
            if (process.HasExited) return;
            var pid = process.Id;
            if (SignalGroup(pid, SigTerm) && await ExitsWithinAsync(process, grace)) return;
            SignalGroup(pid, SigKill);
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await ExitsWithinAsync(process, KillWait);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private static async Task<bool> ExitsWithinAsync(Process process, TimeSpan wait)
    {
        using var deadline = new CancellationTokenSource(wait);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false; // still running, or exited with a descendant still holding its output open
        }
    }
}
