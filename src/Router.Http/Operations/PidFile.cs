using Router.Actors.Configuration;

namespace Router.Http.Operations;

/// <summary>
/// {auth.dir}/router.pid: the pid of the router serving this config, written when it takes its lock
/// (RouterLock). It says WHICH process; whether a router runs is the lock's answer, so a file left by
/// a killed router never blocks a start, whatever process has that pid now.
/// </summary>
public static class PidFile
{
    private static readonly TimeSpan PidWait = TimeSpan.FromSeconds(1);

    public static string PathFor(RouterConfig config) => Path.Combine(config.Auth.Dir, "router.pid");

    /// <summary>The pid of the live router for this config (0 if it holds the lock but its pid file cannot be read), or null.</summary>
    public static int? Running(RouterConfig config)
    {
        if (!RouterLock.IsHeld(config)) return null;
        // The holder writes the file right after taking the lock: give it that instant.
        var until = DateTime.UtcNow + PidWait;
        do
        {
            if (Read(config) is { } pid) return pid;
            Thread.Sleep(50);
        } while (DateTime.UtcNow < until);
        return 0;
    }

    public static void Write(RouterConfig config) => File.WriteAllText(PathFor(config), Environment.ProcessId + "\n");

    /// <summary>Removes the file if it still names this process.</summary>
    public static void RemoveOwn(RouterConfig config)
    {
        if (Read(config) == Environment.ProcessId) File.Delete(PathFor(config));
    }

    /// <summary>Removes a file no running router owns (after `stop`).</summary>
    public static void RemoveStale(RouterConfig config)
    {
        if (!RouterLock.IsHeld(config)) File.Delete(PathFor(config));
    }

    private static int? Read(RouterConfig config)
    {
        try
        {
            return int.TryParse(File.ReadAllText(PathFor(config)).Trim(), out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
