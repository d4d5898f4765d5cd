using Microsoft.Playwright;

namespace Router.AiStudioWorker;

/// <summary>
/// The account's Chromium: one persistent profile under {auth dir}/aistudio/NAME (0700), one page on
/// the AI Studio site. Relaunches the browser (backoff 1 s doubling to 30 s) when it crashes or its
/// process dies, and swaps to a headed window while the person signs in.
/// </summary>
public sealed class BrowserSession(WorkerOptions options, Func<string, Task> onFrameFromPage, Action<string> log) : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadyWait = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _launchLock = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowserContext? _context;
    private TaskCompletionSource<IPage> _ready = NewReady();
    private bool _signingIn;
    private bool _disposed;

    /// <summary>Launches headless and opens the page; retries with backoff until it works or the worker stops.</summary>
    public async Task StartAsync(CancellationToken stop)
    {
        Profile.Prepare(options.ProfileDir);
        _playwright ??= await Playwright.CreateAsync();
        var backoff = TimeSpan.FromSeconds(1);
        while (!stop.IsCancellationRequested && !_disposed)
        {
            try
            {
                await LaunchAsync(options.Headless, options.PageUrl);
                return;
            }
            catch (PlaywrightException e)
            {
                log($"the browser could not start ({FirstLine(e.Message)}); retrying in {backoff.TotalSeconds:0} s");
            }
            await Task.Delay(backoff, stop);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>The signed-in page, once the browser is up (waits through a restart).</summary>
    public async Task<IPage> PageAsync(CancellationToken cancel)
    {
        try
        {
            return await _ready.Task.WaitAsync(ReadyWait, cancel);
        }
        catch (TimeoutException)
        {
            throw new BrowserUnavailableException($"the worker's browser has not been ready for {ReadyWait.TotalSeconds:0} s");
        }
    }

    /// <summary>Whether the page shows a signed-in state: the configured cookie, or the configured selector.</summary>
    public async Task<bool> IsSignedInAsync(IPage page)
    {
        if (options.SignedInSelector is { Length: > 0 } selector)
            return await page.Locator(selector).CountAsync() > 0;
        var cookies = await page.Context.CookiesAsync();
        return cookies.Any(c => c.Name == options.SignedInCookie);
    }

    /// <summary>
    /// Opens a visible window on the person's desktop at the AI Studio page, waits until they have
    /// signed in (or the time is up), then goes back to headless. Nothing here types or clicks for them.
    /// </summary>
    public async Task<bool> SignInAsync(string? loginUrl, CancellationToken cancel)
    {
        if (!HasDisplay())
            throw new BrowserUnavailableException("no desktop to open a sign-in window on: DISPLAY (or WAYLAND_DISPLAY) is not set for the worker; run the router from a desktop session");
        _signingIn = true;
        try
        {
            await LaunchAsync(headless: false, string.IsNullOrEmpty(loginUrl) ? options.PageUrl : loginUrl);
            var page = await PageAsync(cancel);
            log("opened a sign-in window; waiting for the person to sign in");
            var until = DateTime.UtcNow + options.SignInTimeout;
            var signedIn = false;
            try
            {
                while (DateTime.UtcNow < until && !(signedIn = await IsSignedInAsync(page)))
                    await Task.Delay(TimeSpan.FromSeconds(1), cancel);
            }
            catch (PlaywrightException)
            {
                log("the sign-in window was closed");
            }
            log(signedIn ? "signed in; going back to headless" : "not signed in; going back to headless");
            await LaunchAsync(options.Headless, options.PageUrl);
            return signedIn;
        }
        finally
        {
            _signingIn = false;
        }
    }

    /// <summary>The pid of the browser's main process (for logs and operators), or null.</summary>
    public int? BrowserPid => Profile.BrowserPid(options.ProfileDir);

    private async Task LaunchAsync(bool headless, string url)
    {
        await _launchLock.WaitAsync();
        try
        {
            if (_ready.Task.IsCompleted) _ready = NewReady();
            if (_context is { } old)
            {
                _context = null;
                await old.CloseAsync();
            }
            var context = await _playwright!.Chromium.LaunchPersistentContextAsync(options.ProfileDir, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = options.ChromiumPath,
                Headless = headless,
            });
            _context = context;
            context.Close += (_, _) => OnBrowserGone(context, "the browser closed or its process died");
            await context.ExposeBindingAsync(PageScripts.EmitBinding, (BindingSource _, string frame) => onFrameFromPage(frame));
            var page = context.Pages.FirstOrDefault() ?? await context.NewPageAsync();
            page.Crash += (_, _) => OnBrowserGone(context, "the page crashed");
            await page.GotoAsync(url);
            log($"browser up ({(headless ? "headless" : "headed")}, pid {BrowserPid?.ToString() ?? "?"}) on {url}");
            _ready.TrySetResult(page);
        }
        finally
        {
            _launchLock.Release();
        }
    }

    /// <summary>A crash or a dead process: relaunch, unless this context was closed on purpose.</summary>
    private void OnBrowserGone(IBrowserContext context, string why)
    {
        if (_disposed || !ReferenceEquals(context, _context) || _signingIn) return;
        log(why + "; restarting it");
        _context = null;
        _ready = NewReady();
        _ = Task.Run(async () =>
        {
            try { await context.CloseAsync(); } catch (PlaywrightException) { }
            await StartAsync(CancellationToken.None);
        });
    }

    private static bool HasDisplay() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));

    private static TaskCompletionSource<IPage> NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string FirstLine(string text) => text.Split('\n', 2)[0];

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (_context is { } context)
        {
            try { await context.CloseAsync(); } catch (PlaywrightException) { }
        }
        _playwright?.Dispose();
    }
}

/// <summary>The browser is not there to serve a request (still starting, restarting, no desktop for sign-in).</summary>
public sealed class BrowserUnavailableException(string message) : Exception(message);
