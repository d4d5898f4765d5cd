using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Security;

/// <summary>
/// A router in the default open setup (no client key, no management key, loopback) unless told
/// otherwise: an echo provider for inference and a ctonew provider (with a fake Clerk) whose
/// sign-in state the tests try to change. Requests go out raw, with Host, Origin and
/// Content-Type set exactly as a browser or an attacker would.
/// </summary>
public sealed class SecureRouter : IAsyncDisposable
{
    public const string ForeignOrigin = "https://evil.example";
    public const string TrustedOrigin = "https://console.example";
    public const string ForeignHost = "evil.example";

    public required FakeClerk Clerk { get; init; }
    public required RouterUnderTest Router { get; init; }

    /// <summary>host:port the router really listens on, e.g. 127.0.0.1:40123.</summary>
    public string Authority => new Uri(Router.BaseUrl).Authority;
    public int Port => new Uri(Router.BaseUrl).Port;

    public static async Task<SecureRouter> StartAsync(Func<ServerConfig, ServerConfig>? server = null)
    {
        var clerk = await FakeClerk.StartAsync();
        var config = Build(
            [
                new ProviderConfig { Name = "echo", Type = "echo", Models = ["echo-1"] },
                new ProviderConfig { Name = "ctonew", Type = "ctonew", BaseUrl = clerk.BaseUrl, Timeout = 10, Clerk = clerk.Config(), Models = ["ctonew-gpt-5"] },
            ],
            [Route("^echo-", "echo"), Route("^ctonew-", "ctonew")]);
        config = config with { Server = (server ?? (s => s with { CorsOrigins = [TrustedOrigin] }))(config.Server) };
        var secure = new SecureRouter { Clerk = clerk, Router = await RouterUnderTest.StartAsync(config) };
        await secure.WaitUntilEchoServesAsync(config.Server.ApiKeys.FirstOrDefault());
        return secure;
    }

    // A router answers health before its accounts take leases (a first request may get 503 for a
    // few seconds); these tests are about the gates, so they start once inference really serves.
    private async Task WaitUntilEchoServesAsync(string? clientKey)
    {
        var chat = new Probe(HttpMethod.Post, "/v1/chat/completions", """{"model":"echo-1","messages":[{"role":"user","content":"warm up"}]}""");
        if (clientKey is not null) chat = chat with { Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + clientKey } };
        await RouterUnderTest.EventuallyAsync(async () => (await SendAsync(chat)).Status == 200, "the echo provider serves", 30000);
    }

    public async Task<Answer> SendAsync(Probe probe)
    {
        using var request = probe.ToRequest(Authority);
        using var response = await Router.Http.SendAsync(request);
        return await Answer.ReadAsync(response);
    }

    /// <summary>How many ctonew sessions are stored, asked the legitimate way.</summary>
    public async Task<int> CtoNewSessionsAsync()
    {
        var answer = await SendAsync(new Probe(HttpMethod.Get, "/v1/auth/ctonew/status"));
        Assert.Equal(200, answer.Status);
        return answer.Json!["sessions"]!.AsArray().Count;
    }

    public string StoreSessionBody => new JsonObject { ["clerk_jwt_cookie"] = Clerk.Cookie }.ToJsonString();

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        await Clerk.DisposeAsync();
    }
}

/// <summary>One raw request. Host null = the router's own authority; ContentType null = none sent.</summary>
public sealed record Probe(HttpMethod Method, string Path, string? Body = null, string? ContentType = "application/json")
{
    public string? Host { get; init; }
    public string? Origin { get; init; }
    public string? FetchSite { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public HttpRequestMessage ToRequest(string authority)
    {
        var request = new HttpRequestMessage(Method, Path);
        request.Headers.Host = Host ?? authority;
        if (Origin is not null) request.Headers.TryAddWithoutValidation("Origin", Origin);
        if (FetchSite is not null) request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", FetchSite);
        foreach (var (name, value) in Headers) request.Headers.TryAddWithoutValidation(name, value);
        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body));
            if (ContentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        }
        return request;
    }
}

/// <summary>What came back: status, body text (and JSON when it is JSON), headers.</summary>
public sealed record Answer(int Status, string Body, JsonObject? Json, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders)
{
    public static async Task<Answer> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        JsonObject? json = null;
        try { json = JsonNode.Parse(body) as JsonObject; } catch (System.Text.Json.JsonException) { }
        return new Answer((int)response.StatusCode, body, json, response.Headers, response.Content.Headers);
    }

    public string? Header(string name) =>
        Headers.TryGetValues(name, out var values) || ContentHeaders.TryGetValues(name, out values) ? string.Join(",", values) : null;

    public override string ToString() => $"{Status} {(Body.Length > 200 ? Body[..200] : Body)}";
}
