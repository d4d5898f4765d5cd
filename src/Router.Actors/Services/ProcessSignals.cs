using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Router.Actors.Services;

/// <summary>A polite stop for a child process: SIGTERM, a grace period, then a kill of its whole tree.</summary>
public static class ProcessSignals
{
    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>setsid, when this system has it: starts a process as the leader of its own process group.</summary>
    public static string? SessionLauncher { get; } = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    /// <summary>Sends SIGTERM (on Unix); false when there is no such process.</summary>
    public static bool Terminate(int pid) => !OperatingSystem.IsWindows() && Kill(pid, SigTerm) == 0;

    /// <summary>SIGTERM to the process group the process leads (started through setsid), else to the process.</summary>
    private static bool TerminateGroup(int pid) => SessionLauncher is not null && !OperatingSystem.IsWindows() ? Kill(-pid, SigTerm) == 0 : Terminate(pid);

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

    public static void Stop(Process process, TimeSpan grace)
    {
        try
        {
            if (process.HasExited) return;
            if (TerminateGroup(process.Id) && process.WaitForExit(grace)) return;
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(2));
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
