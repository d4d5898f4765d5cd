namespace Router.Http;

/// <summary>
/// How many client connections Kestrel takes at once. Each streaming call holds two sockets (client
/// and upstream), so past about half the open-files limit the process would run out of descriptors
/// and fail as a whole; beyond this limit new connections are refused instead.
/// </summary>
public static class ConnectionLimit
{
    public static long? For(long? configured) => configured ?? FromOpenFilesLimit();

    private static long? FromOpenFilesLimit()
    {
        const string limits = "/proc/self/limits";
        if (!File.Exists(limits)) return null;
        var line = File.ReadLines(limits).FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(3);
        return long.TryParse(soft, out var files) ? Math.Max(64, (files - 512) / 2) : null;
    }
}
