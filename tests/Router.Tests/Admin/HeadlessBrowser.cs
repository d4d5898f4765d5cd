using Microsoft.Playwright;
using Router.Tests.AiStudio.Browser;

namespace Router.Tests.Admin;

/// <summary>Debian's chromium in headless mode under Playwright (installed when missing, see <see cref="Chromium"/>).</summary>
public static class HeadlessBrowser
{
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (Chromium.Unavailable is { } why)
            throw new InvalidOperationException("chromium is not installed and could not be: " + why);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.Path,
            Headless = true,
            // Root (CI) cannot use Chromium's user-namespace sandbox.
            Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
        });
        return (playwright, browser);
    }
}
