using Router.Actors.Configuration;
using Router.Actors.Services;

namespace Router.Http.Operations;

/// <summary>{auth.dir}/router.pid: the pid of the router serving this config, written by `serve` once it listens.</summary>
public static class PidFile
{
    public static string PathFor(RouterConfig config) => System.IO.Path.Combine(config.Auth.Dir, "router.pid");

    /// <summary>The pid of a live router for this config; a file left by a dead one is removed.</summary>
    public static int? Running(RouterConfig config)
    {
        var path = PathFor(config);
        if (!File.Exists(path)) return null;
        if (int.TryParse(File.ReadAllText(path).Trim(), out var pid) && ProcessSignals.IsAlive(pid)) return pid;
        File.Delete(path);
        return null;
    }

    public static void Write(RouterConfig config)
    {
        Directory.CreateDirectory(config.Auth.Dir);
        File.WriteAllText(PathFor(config), Environment.ProcessId + "\n");
    }

    /// <summary>Removes the file if it still names this process.</summary>
    public static void RemoveOwn(RouterConfig config)
    {
        var path = PathFor(config);
        if (File.Exists(path) && File.ReadAllText(path).Trim() == Environment.ProcessId.ToString()) File.Delete(path);
    }
}
