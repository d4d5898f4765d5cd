using Microsoft.AspNetCore.Connections;
using Router.Actors.Configuration;

namespace Router.Http.Operations;

/// <summary>Why the router could not start, said in one line (no stack trace): the port is taken, auth.dir is unusable, ...</summary>
public static class StartupFailure
{
    public const int ExitCode = 1;

    /// <summary>The one line for a failure while building or starting the router.</summary>
    public static string Describe(Exception failure, RouterConfig config) =>
        IsPortInUse(failure) ? PortInUse(config.Server.Host, config.Server.Port)
        : $"Router could not start: {Innermost(failure).Message}";

    public static string AuthDirUnusable(Exception failure, RouterConfig config) =>
        $"Router could not start: auth.dir {config.Auth.Dir} cannot be used ({failure.Message})";

    public static string PortInUse(string host, int port) =>
        $"Router could not start: port {port} on {host} (server.port) is already in use"
        + (PortHolder.Find(port) is { } holder ? $" by pid {holder.Pid} ({holder.Command})" : " by another program")
        + "; stop it or choose another server.port.";

    private static bool IsPortInUse(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
            if (e is AddressInUseException) return true;
        return false;
    }

    private static Exception Innermost(Exception failure)
    {
        // Wrappers (TargetInvocationException, AggregateException, "failed to start") hide the reason; the innermost says it.
        var e = failure;
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
