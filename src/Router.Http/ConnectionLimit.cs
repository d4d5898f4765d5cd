using Router.Actors.Configuration;

namespace Router.Http;

/// <summary>
/// How many client connections Kestrel takes at once, and how many connects may wait to be accepted.
/// A client connection holds one descriptor; a call in flight to an HTTP/1.1 upstream holds a second
/// (its upstream connection), while HTTP/2 upstreams carry many calls on one connection. Past the
/// open-files limit accepts and upstream connects fail with EMFILE, so by default the router takes as
/// many connections as its descriptors can carry and refuses the rest.
/// </summary>
public static class ConnectionLimit
{
    /// <summary>Descriptors kept for the process itself: assemblies, logs, the database, timers, sockets of the cluster.</summary>
    private const long Reserved = 512;

    /// <summary>
    /// Connects the kernel queues for Kestrel to accept (<c>listen()</c>'s backlog; Linux caps it at
    /// net.core.somaxconn). Kestrel's 512 overflows when thousands of clients connect within a second.
    /// </summary>
    public const int ListenBacklog = 8192;

    public static long? For(long? configured, IEnumerable<ProviderConfig> providers) =>
        configured ?? FromOpenFilesLimit(DescriptorsPerConnection(providers));

    /// <summary>2 when some enabled upstream takes a connection per call (HTTP/1.1), about 1 when all multiplex (HTTP/2).</summary>
    public static double DescriptorsPerConnection(IEnumerable<ProviderConfig> providers) =>
        providers.Where(p => p.Enabled).All(p => p.HttpVersion.Multiplexes(p.BaseUrl))
            ? 1.01 // one upstream HTTP/2 connection carries 100 streams or more
            : 2;

    private static long? FromOpenFilesLimit(double perConnection)
    {
        const string limits = "/proc/self/limits";
        if (!File.Exists(limits)) return null;
        var line = File.ReadLines(limits).FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(3);
        return long.TryParse(soft, out var files) ? Math.Max(64, (long)((files - Reserved) / perConnection)) : null;
    }
}
