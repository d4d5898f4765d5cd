using System.Diagnostics;

namespace Router.Http;

/// <summary>Opens a URL in the user's browser when this machine has a desktop; the person signs in there.</summary>
public static class BrowserLauncher
{
    public static bool HasDesktop =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));

    public static bool TryOpen(string url)
    {
        if (!HasDesktop || Environment.GetEnvironmentVariable("ROUTER_NO_BROWSER") is { Length: > 0 }) return false;
        try
        {
            var start = OperatingSystem.IsWindows() ? new ProcessStartInfo(url) { UseShellExecute = true }
                : new ProcessStartInfo(OperatingSystem.IsMacOS() ? "open" : "xdg-open", url) { UseShellExecute = false };
            using var process = Process.Start(start);
            return process is not null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no opener installed: the URL is printed anyway
        }
    }
}
