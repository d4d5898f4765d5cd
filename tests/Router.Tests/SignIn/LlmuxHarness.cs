using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.SignIn;

/// <summary>
/// A router with a claude-oauth and a chatgpt-oauth provider, a fake authorization server, fake
/// Anthropic and Responses vendors that accept only the server's live access tokens, and an
/// API-key backup provider for failover. The router's port is fixed before start so that the
/// registered redirect_uri is the router's real callback.
/// </summary>
public sealed class LlmuxHarness : IAsyncDisposable
{
    public required FakeOAuthServer OAuth { get; init; }
    public required FakeUpstream Claude { get; init; }
    public required FakeUpstream ChatGpt { get; init; }
    public required FakeUpstream Backup { get; init; }
    public required RouterConfig Config { get; init; }
    public RouterUnderTest Router { get; private set; } = null!;
    /// <summary>Everything any router of this harness logged, across restarts.</summary>
    public CapturedLog Log { get; } = new();
    /// <summary>Every answer body the tests read from the router.</summary>
    public List<string> Answers { get; } = new();

    public static async Task<LlmuxHarness> StartAsync(Func<RouterConfig, RouterConfig>? adjust = null)
    {
        var oauth = await FakeOAuthServer.StartAsync();
        var claude = await FakeUpstream.StartAsync();
        var chatgpt = await FakeUpstream.StartAsync();
        var backup = await FakeUpstream.StartAsync();
        claude.Authorize = c => oauth.IsValid(BearerOf(c));
        claude.Unauthorized = AnthropicWire.InvalidKey;
        claude.DefaultReply = AnthropicWire.Text("hello from claude");
        chatgpt.Authorize = c => oauth.IsValid(BearerOf(c));
        chatgpt.DefaultReply = ResponsesWire.Text("hello from chatgpt");
        backup.DefaultReply = OpenAiWire.Text("hello from backup");

        var port = FreePort();
        string Callback(string kind) => $"http://127.0.0.1:{port}/v1/auth/llmux/{kind}/callback";
        var config = Build(
            [
                new ProviderConfig
                {
                    Name = "claude-pro", Type = "claude-oauth", BaseUrl = claude.BaseUrl, Timeout = 10,
                    Headers = new Dictionary<string, string> { ["anthropic-beta"] = "oauth-2025-04-20" },
                    OAuth = oauth.Config(Callback("claude"), tokenFormat: "json"),
                },
                new ProviderConfig
                {
                    Name = "chatgpt-plus", Type = "chatgpt-oauth", BaseUrl = chatgpt.BaseUrl + "/backend", Timeout = 10,
                    OAuth = oauth.Config(Callback("chatgpt")),
                    Extra = new Dictionary<string, object?> { ["account_header"] = "chatgpt-account-id" },
                },
                OpenAiProvider("backup", backup, "sk-backup"),
            ],
            [Route("^claude-", "claude-pro", "backup"), Route("^gpt-", "chatgpt-plus", "backup")]);
        config = config with { Server = config.Server with { Port = port } };
        config = adjust?.Invoke(config) ?? config;
        var harness = new LlmuxHarness { OAuth = oauth, Claude = claude, ChatGpt = chatgpt, Backup = backup, Config = config };
        await harness.StartRouterAsync();
        return harness;
    }

    public async Task StartRouterAsync() => Router = await RouterUnderTest.StartAsync(Config, Log);

    public async Task RestartRouterAsync()
    {
        await Router.DisposeAsync();
        await StartRouterAsync();
    }

    /// <summary>The whole browser round trip: /login → the vendor's authorize page → its redirect to /callback.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string kind, string? email = null)
    {
        if (email is not null) OAuth.NextEmail = email;
        var url = await LoginUrlAsync(kind);
        var redirect = await Browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var callback = await Browser.GetAsync(redirect.Headers.Location);
        Answers.Add(await callback.Content.ReadAsStringAsync());
        return callback;
    }

    public async Task<string> LoginUrlAsync(string kind)
    {
        var login = await Router.Http.GetFromJsonAsync<JsonObject>($"/v1/auth/llmux/{kind}/login");
        Answers.Add(login!.ToJsonString());
        return login["url"]!.GetValue<string>();
    }

    public async Task<JsonObject> StatusAsync(string kind)
    {
        var text = await Router.Http.GetStringAsync($"/v1/auth/llmux/{kind}/status");
        Answers.Add(text);
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<(HttpStatusCode Status, string Body)> ChatAsync(string model, bool stream = false)
    {
        var response = await Router.Http.PostAsync("/v1/chat/completions", Integration.Json.Body(model, stream));
        var body = await response.Content.ReadAsStringAsync();
        Answers.Add(body);
        return (response.StatusCode, body);
    }

    /// <summary>No token, code or id_token the authorization server issued is in a log line or an answer.</summary>
    public void AssertNoSecretLeaked()
    {
        var log = Log.All;
        var answers = string.Join("\n", Answers);
        foreach (var secret in OAuth.Issued)
        {
            Assert.DoesNotContain(secret, log);
            Assert.DoesNotContain(secret, answers);
        }
    }

    /// <summary>A client that does not follow redirects, like a test standing in for the browser.</summary>
    public static HttpClient Browser { get; } = new(new HttpClientHandler { AllowAutoRedirect = false });

    private static string? BearerOf(Microsoft.AspNetCore.Http.HttpContext c)
    {
        var value = c.Request.Headers.Authorization.ToString();
        return value.StartsWith("Bearer ") ? value["Bearer ".Length..] : null;
    }


    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        await OAuth.DisposeAsync();
        await Claude.DisposeAsync();
        await ChatGpt.DisposeAsync();
        await Backup.DisposeAsync();
    }
}
