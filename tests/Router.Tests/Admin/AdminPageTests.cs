using System.Net;
using System.Text;
using Microsoft.Playwright;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using Xunit.Abstractions;
using static Router.Tests.Fakes.OpenAiWire;

namespace Router.Tests.Admin;

/// <summary>
/// The admin page in real headless Chromium against a router with a fake OpenAI upstream and a
/// fake Clerk: an operator signs in with the management key, watches a provider go from healthy to
/// cooling after a 429, adds and signs out a ctonew session, reads the usage chart and applies a
/// config change. Screenshots go to screenshots/ beside the test binaries.
/// </summary>
public sealed class AdminPageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string ManagementKey = "mk-admin-page-test";
    private const string ClientKey = "sk-admin-client";
    private const string UpstreamKey = "sk-upstream-admin";

    private FakeUpstream _openAi = null!;
    private FakeClerk _clerk = null!;
    private RouterUnderTest _router = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _configPath = null!;

    public async Task InitializeAsync()
    {
        _openAi = await FakeUpstream.StartAsync();
        _openAi.DefaultReply = Text("hello from upstream", promptTokens: 12, completionTokens: 5);
        _clerk = await FakeClerk.StartAsync();
        var dir = TestConfig.NewAuthDir();
        _configPath = Path.Combine(dir, "config.unified.yaml");
        await File.WriteAllTextAsync(_configPath, $$"""
            server:
              host: 127.0.0.1
              port: 0
              management_key: {{ManagementKey}}
              api_keys: [{{ClientKey}}]
            auth:
              dir: {{dir}}/auth
            logging:
              dir: {{dir}}/logs
            providers:
              main:
                type: openai
                base_url: {{_openAi.BaseUrl}}/v1
                api_keys: [{{UpstreamKey}}]
              ctonew:
                type: ctonew
                base_url: {{_openAi.BaseUrl}}
                clerk: { token_url: {{_clerk.BaseUrl}}/v1/tokens/create }
            models:
              routing:
                - pattern: "^gpt-"
                  providers: [main]
                - pattern: "^ctonew-"
                  providers: [ctonew]
            """);
        _router = await RouterUnderTest.StartAsync(ConfigLoader.LoadFile(_configPath));
        (_playwright, _browser) = await HeadlessBrowser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _router.DisposeAsync();
        await _clerk.DisposeAsync();
        await _openAi.DisposeAsync();
    }

    [Fact]
    public async Task An_operator_signs_in_watches_a_cooldown_manages_a_session_reads_usage_and_applies_a_config_change()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_router.BaseUrl + "/admin/");

        // A wrong key is refused; the right one opens the console.
        await page.FillAsync("#management-key", "not-the-key");
        await page.ClickAsync("#sign-in");
        await Assertions.Expect(page.Locator("#sign-in-error")).ToContainTextAsync("not right");
        await page.FillAsync("#management-key", ManagementKey);
        await page.ClickAsync("#sign-in");
        var main = page.Locator("tr[data-provider='main'] [data-health]");
        await Assertions.Expect(main).ToHaveAttributeAsync("data-health", "healthy");
        await ScreenshotAsync(page, "admin-signed-in");

        // A request is served, then the upstream answers 429: the provider turns to cooling, and the live tail shows both.
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync()).StatusCode);
        _openAi.Then(RateLimited(120));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ChatAsync()).StatusCode);
        await Assertions.Expect(main).ToHaveAttributeAsync("data-health", "cooling", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#request-table tbody tr")).ToHaveCountAsync(2, new() { Timeout = 10_000 });
        await ScreenshotAsync(page, "admin-cooling");

        // A ctonew session added from the page, then signed out from it.
        await page.ClickAsync("[data-sign-in='ctonew']");
        await page.FillAsync("#ctonew-cookie", _clerk.Cookie);
        await page.PressAsync("#ctonew-cookie", "Enter");
        var session = page.Locator("tr.account", new() { HasText = "sess_test1" });
        await Assertions.Expect(session).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await session.Locator("[data-sign-out]").ClickAsync();
        await Assertions.Expect(session).ToHaveCountAsync(0, new() { Timeout = 10_000 });

        // The usage chart counts the request that was served (and the one refused).
        await page.ClickAsync("#usage-form button[type='submit']");
        var todayBar = page.Locator($"#usage-by-day rect[data-label='{DateTime.UtcNow:yyyy-MM-dd}']");
        await Assertions.Expect(todayBar).ToHaveAttributeAsync("data-value", "2", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#usage-by-key rect")).ToHaveCountAsync(1);
        await ScreenshotAsync(page, "admin-usage");

        // The config shows no secret; an invalid edit is refused with its line; a valid one is applied and keeps the secrets.
        var editor = page.Locator("#config-text");
        await Assertions.Expect(editor).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("<secret:1>"));
        var masked = await editor.InputValueAsync();
        foreach (var secret in new[] { ManagementKey, ClientKey, UpstreamKey }) Assert.DoesNotContain(secret, masked);
        await editor.FillAsync(masked.Replace("type: openai", "type: not-a-type"));
        await page.ClickAsync("#config-validate");
        await Assertions.Expect(page.Locator("#config-result")).ToContainTextAsync("providers.main.type");
        await editor.FillAsync(masked.TrimEnd() + "\n  aliases: { gpt-latest: gpt-4.1 }\n");
        await page.ClickAsync("#config-apply");
        await Assertions.Expect(page.Locator("#config-result")).ToContainTextAsync("Applied: models.aliases: changed");
        await ScreenshotAsync(page, "admin-config-applied");
        var written = await File.ReadAllTextAsync(_configPath);
        Assert.Contains("gpt-latest: gpt-4.1", written);
        foreach (var secret in new[] { ManagementKey, ClientKey, UpstreamKey }) Assert.Contains(secret, written);
    }

    [Fact]
    public async Task The_page_forbids_framing_and_foreign_scripts_and_its_data_needs_the_key()
    {
        var page = await _router.Http.GetAsync("/admin/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _router.Http.GetAsync("/v0/management/config")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _router.Http.GetAsync("/v0/management/requests/tail")).StatusCode);
        using var foreign = new HttpRequestMessage(HttpMethod.Post, "/v0/management/config") { Content = new StringContent("{\"text\":\"x\"}", Encoding.UTF8, "application/json") };
        foreign.Headers.Add("Origin", "https://evil.example");
        foreign.Headers.Add("X-Management-Key", ManagementKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await _router.Http.SendAsync(foreign)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _router.Http.GetAsync("/admin/nothing-here.js")).StatusCode);
    }

    private Task<HttpResponseMessage> ChatAsync()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Authorization", "Bearer " + ClientKey);
        return _router.Http.SendAsync(request);
    }

    private async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }
}
