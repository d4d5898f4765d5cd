using System.Diagnostics;
using Microsoft.Playwright;

namespace Router.Tests.Admin;

/// <summary>
/// Debian's chromium for browser tests, driven by Playwright (no browser download): found on the
/// PATH, else installed by the project's own scripts/ensure-chromium.sh (CI runs as root).
/// </summary>
public static class Chromium
{
    private static readonly Lazy<string> Binary = new(Locate);

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Binary.Value,
            Headless = true,
            // Root (CI) cannot use Chromium's user-namespace sandbox.
            Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
        });
        return (playwright, browser);
    }

    private static string Locate()
    {
        foreach (var candidate in new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" })
            if (File.Exists(candidate)) return candidate;
        var script = Path.Combine(RepositoryRoot(), "scripts", "ensure-chromium.sh");
        using var install = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true })!;
        var path = install.StandardOutput.ReadToEnd().Trim().Split('\n').Last();
        install.WaitForExit();
        if (install.ExitCode != 0 || !File.Exists(path))
            throw new InvalidOperationException($"chromium is not installed and {script} could not install it (exit {install.ExitCode})");
        return path;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Router.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (Router.sln) was not found above the test binaries");
    }
}
