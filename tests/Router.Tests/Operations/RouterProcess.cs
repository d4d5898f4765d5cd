using System.Diagnostics;
using Router.Actors.Services;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Operations;

/// <summary>The router's command line run as a user runs it (`dotnet router.dll VERB`), in a folder of its own.</summary>
public static class RouterProcess
{
    public sealed record Run(int ExitCode, string Output);

    public static Task<Run> RunAsync(string workDir, params string[] args) => RunAsync(StartInfo(workDir, args));

    /// <summary>Runs a command to its end (at most 90 s): its exit code and everything it wrote.</summary>
    public static async Task<Run> RunAsync(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        return new Run(process.ExitCode, await stdout + await stderr);
    }

    public static ProcessStartInfo StartInfo(string workDir, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDir, UseShellExecute = false };
        info.ArgumentList.Add(Built.RouterDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }

    /// <summary>A folder with config.unified.yaml (auth in ./auth, logs in ./logs) on a free loopback port.</summary>
    public static (string Dir, int Port) WriteConfig(string providers, string routes, int shutdownTimeout = 30, int? port = null)
    {
        var dir = Directory.CreateTempSubdirectory("router-cli-").FullName;
        var chosen = port ?? FreePort();
        File.WriteAllText(Path.Combine(dir, "config.unified.yaml"), $"""
            server: {"{"} host: 127.0.0.1, port: {chosen}, shutdown_timeout: {shutdownTimeout} {"}"}
            auth: {"{"} dir: ./auth {"}"}
            logging: {"{"} dir: ./logs, request_log: true {"}"}
            providers:
            {providers}
            models:
              routing:
            {routes}
            """);
        return (dir, chosen);
    }

    /// <summary>A config with one echo provider: the smallest router that starts.</summary>
    public static (string Dir, int Port) WriteEchoConfig(int? port = null) =>
        WriteConfig("  echo: { type: echo }", "    - { pattern: \"^echo-\", providers: [echo] }", port: port);

    public static int PidOf(string dir) => int.Parse(File.ReadAllText(Path.Combine(dir, "auth", "router.pid")).Trim());

    /// <summary>Stops a router a test started, by its pid: `stop`, then SIGKILL if it is somehow still there.</summary>
    public static async Task StopAsync(string dir, int pid)
    {
        await RunAsync(dir, "stop");
        if (ProcessSignals.IsAlive(pid)) Kill(pid);
    }

    public static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // already gone
        }
    }
}
