using System.Text;
using Router.Persistence;
using Serilog.Sinks.File;

namespace Router.Actors.Hosting;

/// <summary>
/// Serilog file hooks that make every log file (the current one and each rotation) 0600 as it opens,
/// and its directory 0700 when the router creates it: logs name accounts, so they are the owner's alone
/// even when an older version or another umask created them.
/// </summary>
public sealed class OwnerOnlyLogFiles : FileLifecycleHooks
{
    public static readonly OwnerOnlyLogFiles Instance = new();

    public override Stream OnFileOpened(string path, Stream underlyingStream, Encoding encoding)
    {
        OwnerOnlyFiles.RestrictFile(path);
        return underlyingStream;
    }

    /// <summary>Creates the log directory 0700 if it is missing (an existing one keeps its mode).</summary>
    public static void EnsureDirectory(string directory)
    {
        if (!Directory.Exists(directory)) OwnerOnlyFiles.EnsureDirectory(directory);
    }
}
