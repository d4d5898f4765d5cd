using System.Runtime.InteropServices;

namespace Router.Persistence;

/// <summary>
/// Everything the router writes is its owner's alone: files 0600, directories 0700. The process umask
/// is set to 077 at start-up, so every file created afterwards — by .NET, by SQLite (router.db and its
/// -wal/-shm/-journal files), by the log sinks — gets no group or other bits; files left by an older
/// version are restricted explicitly when the router starts.
/// </summary>
public static class OwnerOnlyFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const uint OwnerOnlyUmask = 0b000_111_111; // 077

    /// <summary>Sets the process umask to 077 (no effect on Windows). Child processes inherit it.</summary>
    public static void RestrictProcessUmask()
    {
        if (!OperatingSystem.IsWindows()) umask(OwnerOnlyUmask);
    }

    /// <summary>Creates the directory (or keeps it) with mode 0700.</summary>
    public static void EnsureDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        var dir = Directory.CreateDirectory(path, DirectoryMode);
        File.SetUnixFileMode(dir.FullName, DirectoryMode);
    }

    /// <summary>Sets 0600 on the files of <paramref name="directory"/> that match <paramref name="pattern"/>.</summary>
    public static void Restrict(string directory, string pattern)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(directory)) return;
        foreach (var file in Directory.EnumerateFiles(directory, pattern))
            RestrictFile(file);
    }

    public static void RestrictFile(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            if ((File.GetUnixFileMode(path) & ~FileMode) != 0) File.SetUnixFileMode(path, FileMode);
        }
        catch (FileNotFoundException)
        {
            // Gone in between (a SQLite -journal file, a rotated log): nothing to restrict.
        }
    }

    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint umask(uint mask);
}
