using System.Globalization;

namespace Router.Http.Operations;

/// <summary>
/// Which process listens on a TCP port, from Linux's /proc: the socket's inode in /proc/net/tcp(6),
/// then the process with an fd pointing at socket:[inode]. Null when it cannot be told (another
/// user's process, another OS).
/// </summary>
public static class PortHolder
{
    private const string Listen = "0A";

    public sealed record Holder(int Pid, string Command);

    public static Holder? Find(int port)
    {
        try
        {
            var inodes = ListeningInodes(port);
            return inodes.Count == 0 ? null : OwnerOf(inodes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static HashSet<string> ListeningInodes(int port)
    {
        var inodes = new HashSet<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists))
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || fields[3] != Listen) continue;
                var local = fields[1];
                var colon = local.LastIndexOf(':');
                if (colon > 0 && int.TryParse(local[(colon + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var p) && p == port)
                    inodes.Add(fields[9]);
            }
        }
        return inodes;
    }

    private static Holder? OwnerOf(HashSet<string> inodes)
    {
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), out var pid)) continue;
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")))
                {
                    var target = new FileInfo(fd).LinkTarget;
                    if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && inodes.Contains(target[8..^1]))
                        return new Holder(pid, CommandOf(process));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // another user's process, or one that just exited
            }
        }
        return null;
    }

    /// <summary>The program's name (and its script or dll, e.g. "dotnet router.dll"); never its options, which may hold secrets.</summary>
    private static string CommandOf(string process)
    {
        var argv = File.ReadAllText(Path.Combine(process, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        if (argv.Length == 0) return File.ReadAllText(Path.Combine(process, "comm")).Trim();
        var program = Path.GetFileName(argv[0]);
        return argv.Length > 1 && !argv[1].StartsWith('-') && !argv[1].Contains('=') ? $"{program} {Path.GetFileName(argv[1])}" : program;
    }
}
