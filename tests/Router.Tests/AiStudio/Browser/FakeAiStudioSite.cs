using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using Router.Tests.Fakes;

namespace Router.Tests.AiStudio.Browser;

/// <summary>
/// A loopback stand-in for AI Studio: a page with a sign-in button that sets a session cookie, and
/// Gemini's generateContent / streamGenerateContent / countTokens, answered only with that cookie.
/// The streamed answer sends its first chunk, then holds the rest until <see cref="ReleaseStream"/>
/// (open by default), so a test can see the first chunk arrive while the upstream is still writing.
/// </summary>
public sealed class FakeAiStudioSite : IAsyncDisposable
{
    public const string SessionCookie = "aistudio_session";
    public static readonly string[] StreamPieces = ["Hello", " from", " the page"];

    private readonly string _session = Guid.NewGuid().ToString("N");
    private TaskCompletionSource _streamGate = Opened();

    public FakeUpstream Upstream { get; }
    public string BaseUrl => Upstream.BaseUrl;
    /// <summary>Gemini calls that reached the site without the session cookie.</summary>
    public int Refused { get; private set; }

    private FakeAiStudioSite(FakeUpstream upstream)
    {
        Upstream = upstream;
        upstream.Authorize = c => !c.Request.Path.StartsWithSegments("/v1beta") || c.Request.Cookies[SessionCookie] == _session;
        upstream.Unauthorized = (c, b) =>
        {
            Refused++;
            return WireReplies.Json(401, """{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}""")(c, b);
        };
        upstream.DefaultReply = RouteAsync;
    }

    public static async Task<FakeAiStudioSite> StartAsync() => new(await FakeUpstream.StartAsync());

    /// <summary>From now on the streamed answer waits after its first chunk until <see cref="ReleaseStream"/>.</summary>
    public void HoldStream() => _streamGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseStream() => _streamGate.TrySetResult();

    /// <summary>
    /// Stands in for the person: opens the site in the worker's profile (the test's own Chromium),
    /// clicks "Sign in" and waits for the signed-in page. The cookie is persistent, so the worker's
    /// browser finds it in the profile.
    /// </summary>
    public async Task SignInProfileAsync(string profileDir)
    {
        Router.AiStudioWorker.Profile.Prepare(profileDir);
        using var playwright = await Playwright.CreateAsync();
        await using var context = await playwright.Chromium.LaunchPersistentContextAsync(profileDir,
            new BrowserTypeLaunchPersistentContextOptions { ExecutablePath = Chromium.Path, Headless = true });
        var page = context.Pages.FirstOrDefault() ?? await context.NewPageAsync();
        await page.GotoAsync(BaseUrl + "/");
        await page.ClickAsync("#sign-in");
        await page.Locator("#state", new() { HasText = "signed in" }).WaitForAsync();
        await context.CloseAsync();
    }

    private Task RouteAsync(HttpContext c, JsonObject? body)
    {
        var path = c.Request.Path.Value ?? "";
        if (path == "/") return PageAsync(c);
        if (path == "/signin") return SignInAsync(c);
        if (path.EndsWith(":streamGenerateContent", StringComparison.Ordinal)) return StreamAsync(c, body);
        if (path.EndsWith(":generateContent", StringComparison.Ordinal)) return GeminiWire.Text("echo: " + LastUserText(body))(c, body);
        if (path.EndsWith(":countTokens", StringComparison.Ordinal)) return WireReplies.Json(200, """{"totalTokens":7}""")(c, body);
        c.Response.StatusCode = 404;
        return Task.CompletedTask;
    }

    private Task PageAsync(HttpContext c)
    {
        var signedIn = c.Request.Cookies[SessionCookie] == _session;
        c.Response.ContentType = "text/html; charset=utf-8";
        return c.Response.WriteAsync($"""
            <!doctype html><title>Fake AI Studio</title>
            <p id="state">{(signedIn ? "signed in" : "signed out")}</p>
            <button id="sign-in" onclick="location.href='/signin'">Sign in</button>
            """);
    }

    private Task SignInAsync(HttpContext c)
    {
        c.Response.Cookies.Append(SessionCookie, _session, new CookieOptions { MaxAge = TimeSpan.FromDays(1), HttpOnly = true, Path = "/" });
        c.Response.Redirect("/");
        return Task.CompletedTask;
    }

    private async Task StreamAsync(HttpContext c, JsonObject? body)
    {
        var gate = _streamGate.Task;
        var frames = await FramesOf(GeminiWire.StreamText(StreamPieces), body);
        c.Response.StatusCode = 200;
        c.Response.ContentType = "text/event-stream";
        for (var i = 0; i < frames.Count; i++)
        {
            await c.Response.WriteAsync(frames[i]);
            await c.Response.Body.FlushAsync();
            if (i == 0) await gate.WaitAsync(c.RequestAborted);
        }
    }

    /// <summary>The SSE frames a Gemini stream reply writes, captured once (so they can be paced here).</summary>
    private static async Task<List<string>> FramesOf(FakeUpstream.Reply reply, JsonObject? body)
    {
        var context = new DefaultHttpContext();
        var buffer = new MemoryStream();
        context.Response.Body = buffer;
        await reply(context, body);
        var text = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        return text.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries).Select(f => f + "\r\n\r\n").ToList();
    }

    private static string LastUserText(JsonObject? body) =>
        body?["contents"]?.AsArray().LastOrDefault()?["parts"]?.AsArray().Select(p => p?["text"]?.ToString()).LastOrDefault(t => t is not null) ?? "";

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource();
        open.SetResult();
        return open;
    }

    public ValueTask DisposeAsync()
    {
        ReleaseStream();
        return Upstream.DisposeAsync();
    }
}
