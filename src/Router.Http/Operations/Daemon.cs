using System.Diagnostics;
using Router.Actors.Configuration;
using Router.Actors.Services;

namespace Router.Http.Operations;

/// <summary>
/// `start` and `stop`: the router in the background. start launches `serve --background` in its own
/// session, waits until it answers /v1/health and says so; stop sends SIGTERM (the router stops
/// accepting, lets in-flight requests and streams finish up to server.shutdown_timeout, stops its
/// side services) and waits until the process is gone.
/// </summary>
public static class Daemon
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> StartAsync(RouterConfig config, string configPath, TextWriter output)
    {
        using var http = RouterClient.Create(config, TimeSpan.FromSeconds(2));
        if (PidFile.Running(config) is { } running)
        {
            output.WriteLine($"Router is already running (pid {running}) at {http.BaseAddress}; not starting another.");
            return 0;
        }

        using var child = Process.Start(LaunchInfo(configPath))!;
        var pid = child.Id;
        var until = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < until)
        {
            if (child.HasExited)
            {
                // The child's own one-line reason (port in use, auth.dir unusable, ...); without one, its last log lines.
                var reason = (await child.StandardError.ReadToEndAsync()).TrimEnd();
                if (reason.Length > 0)
                {
                    output.WriteLine(reason);
                    return 1;
                }
                output.WriteLine($"Router exited during start-up (code {child.ExitCode}). Last log lines:");
                foreach (var line in LogsCommand.Tail(Path.Combine(config.Logging.Dir, RouterLogFile.FileName), 15)) output.WriteLine("  " + line);
                return 1;
            }
            if (PidFile.Running(config) == pid && await IsHealthyAsync(http))
            {
                output.WriteLine($"Router started (pid {pid}) and healthy at {http.BaseAddress}");
                output.WriteLine($"Logs: {Shown(Path.Combine(config.Logging.Dir, RouterLogFile.FileName))}");
                return 0;
            }
            await Task.Delay(200);
        }
        output.WriteLine($"Router (pid {pid}) did not become healthy within {StartTimeout.TotalSeconds:0}s; stopping it.");
        await StopPidAsync(pid, TimeSpan.FromSeconds(10));
        return 1;
    }

    public static async Task<int> StopAsync(RouterConfig config, TextWriter output)
    {
        if (PidFile.Running(config) is not { } pid)
        {
            output.WriteLine("Router is not running.");
            return 0;
        }
        if (pid <= 0)
        {
            output.WriteLine($"A router holds {RouterLock.PathFor(config)} but {PidFile.PathFor(config)} does not say which process; stop it by hand.");
            return 1;
        }
        output.WriteLine($"Stopping router (pid {pid}); in-flight requests get up to {config.Server.ShutdownTimeout}s...");
        var graceful = await StopPidAsync(pid, TimeSpan.FromSeconds(config.Server.ShutdownTimeout + 15));
        PidFile.RemoveStale(config);
        output.WriteLine(graceful ? $"Router stopped (pid {pid})." : $"Router (pid {pid}) did not stop in time and was killed.");
        return 0;
    }

    /// <summary>A path as short as it can be said from here: relative when it is below the current folder.</summary>
    private static string Shown(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    /// <summary>SIGTERM, wait, then SIGKILL. True when it exited by itself.</summary>
    private static async Task<bool> StopPidAsync(int pid, TimeSpan wait)
    {
        ProcessSignals.Terminate(pid);
        var until = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < until)
        {
            if (!ProcessSignals.IsAlive(pid)) return true;
            await Task.Delay(100);
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
            return true;
        }
        return false;
    }

    private static async Task<bool> IsHealthyAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/v1/health");
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// The GC's young-generation budget for the router it starts (32 MB, hexadecimal, as the runtime reads it): with hundreds
    /// of answers in flight, the default budget (at most 6 MB) makes the GC copy their state on at every collection
    /// (bench/README.md, "What is left at 512"). The runtime reads it from the environment only, so the launcher sets it;
    /// a value the caller set is kept.
    /// </summary>
    public const string Gen0SizeVariable = "DOTNET_GCgen0size", Gen0Size = "0x2000000";

    /// <summary>This same program (apphost, or dotnet + router.dll) running `serve --background`, in its own session.</summary>
    private static ProcessStartInfo LaunchInfo(string configPath)
    {
        var host = Environment.ProcessPath!;
        var arguments = new List<string>();
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") arguments.Add(typeof(Daemon).Assembly.Location);
        arguments.AddRange(["serve", "--background", "--config", Path.GetFullPath(configPath)]);
        var launcher = ProcessSignals.SessionLauncher;
        var info = new ProcessStartInfo(launcher ?? host)
        {
            UseShellExecute = false,
            // Own pipes, never the caller's: a caller reading start's output must not wait on the router.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory.GetCurrentDirectory(),
        };
        if (launcher is not null) info.ArgumentList.Add(host);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Gen0SizeVariable))) info.Environment[Gen0SizeVariable] = Gen0Size;
        return info;
    }
}
