namespace Router.AiStudioWorker;

/// <summary>The account's Chromium profile folder: owner-only, and the way to find its browser process.</summary>
public static class Profile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the folder (and {auth dir}/aistudio) with mode 0700, or tightens it to 0700.</summary>
    public static void Prepare(string profileDir)
    {
        foreach (var dir in new[] { Path.GetDirectoryName(profileDir)!, profileDir })
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(dir);
                continue;
            }
            Directory.CreateDirectory(dir, OwnerOnly);
            File.SetUnixFileMode(dir, OwnerOnly);
        }
    }

    /// <summary>The main Chromium process running this profile (the one without --type=), from /proc.</summary>
    public static int? BrowserPid(string profileDir)
    {
        if (!Directory.Exists("/proc")) return null;
        var marker = "--user-data-dir=" + profileDir;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string[] args;
            try { args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0'); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            if (args.Contains(marker) && !args.Any(a => a.StartsWith("--type=", StringComparison.Ordinal))) return pid;
        }
        return null;
    }
}
