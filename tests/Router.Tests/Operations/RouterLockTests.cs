using System.Diagnostics;
using Router.Actors.Services;
using Router.Http.Operations;
using static Router.Tests.Operations.RouterProcess;

namespace Router.Tests.Operations;

/// <summary>
/// "Is a router running here?" is answered by the lock on {auth.dir}/router.lock, not by whether the
/// pid in router.pid is alive: a killed router (OOM, docker kill, kill -9, reboot) never blocks the
/// next start, and two routers on one auth dir are still refused.
/// </summary>
public sealed class RouterLockTests
{
    [Fact]
    public async Task A_stale_pid_file_naming_a_live_unrelated_process_does_not_block_start()
    {
        var (dir, _) = WriteEchoConfig();
        using var unrelated = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;
        int? routerPid = null;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "auth"));
            File.WriteAllText(Path.Combine(dir, "auth", "router.pid"), unrelated.Id + "\n"); // as after a crash and pid reuse (pid 1 in Docker)

            var start = await RunAsync(dir, "start");

            Assert.Equal(0, start.ExitCode);
            Assert.DoesNotContain("already running", start.Output);
            routerPid = PidOf(dir);
            Assert.NotEqual(unrelated.Id, routerPid);
            Assert.Contains($"started (pid {routerPid})", start.Output);
            Assert.False(unrelated.HasExited, "the unrelated process is left alone");
        }
        finally
        {
            if (routerPid is { } pid) await StopAsync(dir, pid);
            unrelated.Kill();
        }
    }

    [Fact]
    public async Task After_kill_9_the_router_starts_again_and_a_second_router_on_the_same_auth_dir_is_refused()
    {
        var (dir, _) = WriteEchoConfig();
        Assert.Equal(0, (await RunAsync(dir, "start")).ExitCode);
        var first = PidOf(dir);
        var second = first;
        try
        {
            Kill(first); // SIGKILL: no clean-up runs, router.pid stays behind
            Assert.True(File.Exists(Path.Combine(dir, "auth", "router.pid")));

            var start = await RunAsync(dir, "start");
            Assert.Equal(0, start.ExitCode);
            Assert.DoesNotContain("already running", start.Output);
            second = PidOf(dir);
            Assert.NotEqual(first, second);
            Assert.True(ProcessSignals.IsAlive(second));

            // Now one runs: another start says so, and a foreground serve is refused with its pid.
            var again = await RunAsync(dir, "start");
            Assert.Equal(0, again.ExitCode);
            Assert.Contains($"already running (pid {second})", again.Output);
            var serve = await RunAsync(dir, "serve");
            Assert.Equal(1, serve.ExitCode);
            Assert.Contains($"already running (pid {second})", serve.Output);
            Assert.Equal(second, PidOf(dir)); // the refused one did not touch the running router's pid file

            var status = await RunAsync(dir, "status");
            Assert.Equal(0, status.ExitCode);
            Assert.Contains($"pid {second}", status.Output);
        }
        finally
        {
            await StopAsync(dir, second);
        }
        Assert.False(ProcessSignals.IsAlive(second));
        Assert.Equal(StatusCommand.NotRunning, (await RunAsync(dir, "status")).ExitCode);
    }
}
