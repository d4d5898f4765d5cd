using System.Net;
using System.Net.Sockets;
using static Router.Tests.Operations.RouterProcess;

namespace Router.Tests.Operations;

/// <summary>A router that cannot start says why in one line and exits 1: no stack trace.</summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task A_port_in_use_is_one_line_naming_the_port_and_its_holder_for_serve_and_for_start()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var (dir, _) = WriteEchoConfig(port);

        foreach (var verb in new[] { "serve", "start" })
        {
            var run = await RunAsync(dir, verb);

            Assert.Equal(1, run.ExitCode);
            var reasons = Lines(run.Output).Where(l => l.Contains("already in use")).ToList();
            Assert.Single(reasons);
            Assert.Contains($"port {port}", reasons[0]);
            Assert.Contains($"by pid {Environment.ProcessId}", reasons[0]); // this test process holds it
            Assert.DoesNotContain("   at ", run.Output);
            Assert.DoesNotContain("Exception", run.Output);
        }
        Assert.False(File.Exists(Path.Combine(dir, "auth", "router.pid")), "a router that did not start leaves no pid file");
    }

    [Fact]
    public async Task An_unusable_auth_dir_is_one_line_naming_it()
    {
        var (dir, _) = WriteEchoConfig();
        File.WriteAllText(Path.Combine(dir, "auth"), "a file where the auth folder should be");

        var run = await RunAsync(dir, "serve");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(Lines(run.Output));
        Assert.Contains("auth.dir", line);
        Assert.Contains(Path.Combine(dir, "auth"), line);
        Assert.DoesNotContain("   at ", run.Output);
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
