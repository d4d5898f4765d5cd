using Router.Protocols.Relay;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Router.AiStudioWorker;

/// <summary>
/// Ties the relay to the browser: each `http_request` runs as an in-page fetch (many at once), `ping`
/// gets `pong`, `login` opens the sign-in window. Frames the page builds go straight to the socket.
/// </summary>
public sealed class Worker : IAsyncDisposable
{
    private readonly WorkerOptions _options;
    private readonly Action<string> _log;
    private readonly RelayClient _relay;
    private readonly BrowserSession _browser;
    /// <summary>Requests whose last frame has not been sent yet.</summary>
    private readonly ConcurrentDictionary<string, byte> _open = new();

    public Worker(WorkerOptions options, Action<string> log)
    {
        _options = options;
        _log = log;
        _relay = new RelayClient(options, log) { OnFrame = OnFrameAsync };
        _browser = new BrowserSession(options, FromPageAsync, log);
    }

    public async Task RunAsync(CancellationToken stop)
    {
        await _browser.StartAsync(stop);
        if (!stop.IsCancellationRequested && !await SignedInAsync())
            _log("the browser profile is not signed in yet: run `router login aistudio` on this machine's desktop");
        await _relay.RunAsync(stop);
    }

    private async Task<bool> SignedInAsync()
    {
        try { return await _browser.IsSignedInAsync(await _browser.PageAsync(CancellationToken.None)); }
        catch (Exception e) when (e is PlaywrightException or BrowserUnavailableException) { return false; }
    }

    private Task OnFrameAsync(RelayFrame frame)
    {
        switch (frame.Type)
        {
            case RelayTypes.Ping:
                return _relay.SendAsync(frame with { Type = RelayTypes.Pong, Payload = [] });
            case RelayTypes.HttpRequest:
                _ = Task.Run(() => FetchInPageAsync(frame));
                return Task.CompletedTask;
            case RelayTypes.Login:
                _ = Task.Run(() => SignInAsync(frame));
                return Task.CompletedTask;
            default:
                return Task.CompletedTask;
        }
    }

    private async Task FetchInPageAsync(RelayFrame request)
    {
        _open[request.Id] = 0;
        try
        {
            var page = await _browser.PageAsync(CancellationToken.None);
            await page.EvaluateAsync(PageScripts.Fetch, PageArgument(request));
            // The page's script returns after its last frame (taken off the open list as it was emitted): a request
            // still open here got no answer from the page, and is failed rather than forgotten.
            await FailAsync(request.Id, "the page finished the request without an answer", 502);
        }
        catch (BrowserUnavailableException e)
        {
            await FailAsync(request.Id, e.Message, 503);
        }
        catch (PlaywrightException e)
        {
            await FailAsync(request.Id, "the browser page failed during the request: " + e.Message.Split('\n', 2)[0], 502);
        }
        catch (Exception e)
        {
            _log($"request {request.Id} failed in the worker: {e.GetType().Name}: {e.Message}");
            await FailAsync(request.Id, "the worker failed: " + e.GetType().Name, 500);
        }
        finally
        {
            _open.TryRemove(request.Id, out _);
        }
    }

    /// <summary>Sends an error unless the page already finished the request.</summary>
    private async Task FailAsync(string id, string message, int status)
    {
        if (!_open.TryRemove(id, out _)) return;
        _log($"request {id} failed ({status}): {message}");
        await _relay.SendAsync(RelayFrame.ErrorFor(id, message, status));
    }

    private async Task FromPageAsync(string json)
    {
        if (RelayFrame.TryParse(json) is not { } frame) return;
        if (RelayTypes.IsFinal(frame.Type) && !_open.TryRemove(frame.Id, out _)) return;
        if (frame.Type == RelayTypes.Error) _log($"request {frame.Id} failed in the page: {frame.Payload["error"]}");
        // A frame the socket could not take is lost to the router: said, so an answer that never came has a cause on record.
        if (!await _relay.SendAsync(frame)) _log($"request {frame.Id}: its {frame.Type} frame was not sent (the relay socket is not open)");
    }

    /// <summary>The fetch arguments: the request as relayed, plus whether the caller asked for a stream.</summary>
    private static object PageArgument(RelayFrame request)
    {
        var p = request.Payload;
        var url = p["url"]?.GetValue<string>() ?? "";
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        if (p["headers"] is JsonObject h)
            foreach (var (name, value) in h)
                if (!IsBrowserManaged(name))
                    headers[name] = value is JsonArray list ? list.Select(v => v?.ToString() ?? "").ToArray() : [value?.ToString() ?? ""];
        return new
        {
            id = request.Id,
            method = p["method"]?.GetValue<string>() ?? "GET",
            url,
            headers,
            body = p["body"]?.GetValue<string>() ?? "",
            stream = url.Contains("alt=sse", StringComparison.Ordinal) || url.Contains(":stream", StringComparison.Ordinal),
        };
    }

    /// <summary>Headers the browser sets itself (and refuses from scripts); the page's own values are the point.</summary>
    private static bool IsBrowserManaged(string name) => name.ToLowerInvariant() is
        "host" or "content-length" or "connection" or "cookie" or "origin" or "referer" or "user-agent"
        or "accept-encoding" or "transfer-encoding" or "keep-alive" or "upgrade";

    /// <summary>The router's `login` (payload {login_url}): a failure goes back as an `error` with the login's id.</summary>
    private async Task SignInAsync(RelayFrame login)
    {
        try
        {
            await _browser.SignInAsync(login.Payload["login_url"]?.GetValue<string>(), CancellationToken.None);
        }
        catch (BrowserUnavailableException e)
        {
            _log("cannot sign in: " + e.Message);
            await _relay.SendAsync(RelayFrame.ErrorFor(login.Id, e.Message, 409));
        }
        catch (PlaywrightException e)
        {
            var message = "the sign-in window could not open: " + e.Message.Split('\n', 2)[0];
            _log(message);
            await _relay.SendAsync(RelayFrame.ErrorFor(login.Id, message, 500));
        }
    }

    public ValueTask DisposeAsync() => _browser.DisposeAsync();
}
