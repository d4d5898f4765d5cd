using System.Diagnostics;
using Router.Tests.Operations;

namespace Router.Tests.AiStudio.Browser;

/// <summary>
/// A test that drives Debian's chromium. It makes sure chromium is installed first (through
/// scripts/ensure-chromium.sh, once per test run) and is skipped, saying why, only when it cannot be.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Unavailable is { } why) Skip = "chromium is not installed and could not be: " + why;
    }
}

public static class Chromium
{
    private static readonly Lazy<string?> Check = new(Ensure);

    /// <summary>Null when chromium is there; else why it could not be installed.</summary>
    public static string? Unavailable => Check.Value;

    public const string Path = "/usr/bin/chromium";

    private static string? Ensure()
    {
        if (File.Exists(Path)) return null;
        var script = System.IO.Path.Combine(Built.RepoRoot, "scripts", "ensure-chromium.sh");
        try
        {
            using var install = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var errors = install.StandardError.ReadToEndAsync();
            install.StandardOutput.ReadToEnd();
            install.WaitForExit(TimeSpan.FromMinutes(10));
            return File.Exists(Path) ? null : $"scripts/ensure-chromium.sh exited {install.ExitCode}: {errors.Result.Trim().Split('\n').LastOrDefault()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    }
}
