using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.SignIn;

/// <summary>ctonew: a Clerk session turned into cached short-lived JWTs, and EngineLabs' two API paths.</summary>
public sealed class CtoNewTests
{
    private sealed class Setup : IAsyncDisposable
    {
        public required FakeClerk Clerk { get; init; }
        public required FakeUpstream EngineLabs { get; init; }
        public required FakeUpstream Backup { get; init; }
        public required RouterConfig Config { get; init; }
        public RouterUnderTest Router { get; set; } = null!;
        public CapturedLog Log { get; } = new();
        public List<string> Answers { get; } = new();

        public async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string json)
        {
            var response = await Router.Http.PostAsync(path, Integration.Json.Raw(json));
            var body = await response.Content.ReadAsStringAsync();
            Answers.Add(body);
            return (response.StatusCode, body);
        }

        public Task<(HttpStatusCode Status, string Body)> ChatAsync(string model, bool stream = false) =>
            PostAsync("/v1/chat/completions", $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Hi"}]}""");

        public Task<(HttpStatusCode Status, string Body)> MessagesAsync(string model, bool stream = false) =>
            PostAsync("/v1/messages", $$"""{"model":"{{model}}","max_tokens":64,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Hi"}]}""");

        public Task<(HttpStatusCode Status, string Body)> StoreCookieAsync(string cookie) =>
            PostAsync("/v1/auth/ctonew", new JsonObject { ["clerk_jwt_cookie"] = cookie }.ToJsonString());

        public void AssertNoSecretLeaked()
        {
            var everything = Log.All + "\n" + string.Join("\n", Answers);
            Assert.DoesNotContain(Clerk.Cookie, everything);
            Assert.DoesNotContain(Clerk.RotatingToken, everything);
            foreach (var jwt in Clerk.IssuedJwts)
                Assert.DoesNotContain(jwt, everything);
        }

        public async ValueTask DisposeAsync()
        {
            await Router.DisposeAsync();
            await Clerk.DisposeAsync();
            await EngineLabs.DisposeAsync();
            await Backup.DisposeAsync();
        }
    }

    private static async Task<Setup> StartAsync()
    {
        var clerk = await FakeClerk.StartAsync();
        var engineLabs = await FakeUpstream.StartAsync();
        var backup = await FakeUpstream.StartAsync();
        engineLabs.Authorize = c => clerk.IsValid(c.Request.Headers.Authorization.ToString().Replace("Bearer ", ""));
        engineLabs.Unauthorized = OpenAiWire.InvalidKey;
        engineLabs.DefaultReply = (c, body) =>
        {
            var stream = body?["stream"]?.GetValue<bool>() == true;
            var reply = c.Request.Path.Value switch
            {
                "/v1/claude/messages" => stream ? AnthropicWire.StreamText(["Hi", " from", " claude"]) : AnthropicWire.Text("Hi from claude"),
                "/v1/chat/completions" => stream ? OpenAiWire.StreamText(["Hi", " from", " gpt"]) : OpenAiWire.Text("Hi from gpt"),
                _ => WireReplies.Json(404, """{"error":"no such path"}"""),
            };
            return reply(c, body);
        };
        backup.DefaultReply = OpenAiWire.Text("Hi from backup");
        var config = Build(
            [
                new ProviderConfig
                {
                    Name = "ctonew", Type = "ctonew", BaseUrl = engineLabs.BaseUrl, Timeout = 10,
                    Clerk = clerk.Config(), Models = ["ctonew-claude-sonnet-4-5", "ctonew-gpt-5"],
                },
                OpenAiProvider("backup", backup, "sk-backup"),
            ],
            [Route("^ctonew-", "ctonew", "backup")]);
        var setup = new Setup { Clerk = clerk, EngineLabs = engineLabs, Backup = backup, Config = config };
        setup.Router = await RouterUnderTest.StartAsync(config, setup.Log);
        return setup;
    }

    [Fact]
    public async Task Both_paths_stream_and_not_from_OpenAI_and_Anthropic_clients()
    {
        await using var s = await StartAsync();
        Assert.Equal("unauthenticated", await s.Router.ProviderHealthAsync("ctonew"));
        var (stored, storedBody) = await s.StoreCookieAsync(s.Clerk.Cookie);
        Assert.Equal(HttpStatusCode.OK, stored);
        Assert.Contains("sess_test1", storedBody);

        var (status, body) = await s.ChatAsync("ctonew-claude-sonnet-4-5");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Hi from claude", JsonNode.Parse(body)!["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal("/v1/claude/messages", s.EngineLabs.LastRequest.Path);
        Assert.Equal("claude-sonnet-4-5", s.EngineLabs.LastRequest.Body!["model"]!.GetValue<string>());
        Assert.StartsWith("Bearer ey", s.EngineLabs.LastRequest.Headers["authorization"]);

        (status, body) = await s.ChatAsync("ctonew-gpt-5", stream: true);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"content\":\" gpt\"", body);
        Assert.EndsWith("data: [DONE]\n\n", body);
        Assert.Equal("/v1/chat/completions", s.EngineLabs.LastRequest.Path);
        Assert.Equal("gpt-5", s.EngineLabs.LastRequest.Body!["model"]!.GetValue<string>());

        (status, body) = await s.MessagesAsync("ctonew-claude-sonnet-4-5", stream: true);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("event: content_block_delta", body);
        Assert.Contains(" claude", body);
        Assert.Equal("/v1/claude/messages", s.EngineLabs.LastRequest.Path);

        (status, body) = await s.MessagesAsync("ctonew-gpt-5");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Hi from gpt", JsonNode.Parse(body)!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("/v1/chat/completions", s.EngineLabs.LastRequest.Path);

        Assert.Equal(1, s.Clerk.Exchanges);
        Assert.Empty(s.Backup.Requests);
        Assert.Equal("healthy", await s.Router.ProviderHealthAsync("ctonew"));
        s.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task A_hundred_concurrent_requests_share_one_exchange_and_an_expired_JWT_makes_one_more()
    {
        await using var s = await StartAsync();
        // A JWT shorter than a minute is renewed at half its life; its `exp` is whole seconds, so this one
        // is due after 2 to 2.5 s: long enough for 100 requests on a loaded machine.
        s.Clerk.JwtLifetime = TimeSpan.FromSeconds(5);
        s.Clerk.Delay = TimeSpan.FromMilliseconds(200);
        await s.StoreCookieAsync(s.Clerk.Cookie);

        var first = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => s.ChatAsync("ctonew-gpt-5")));
        Assert.All(first, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(1, s.Clerk.Exchanges);

        // The next JWT outlives the test, so however slow the second batch is, it needs exactly one exchange.
        s.Clerk.JwtLifetime = TimeSpan.FromMinutes(1);
        var expired = s.Clerk.LatestExpiry - DateTimeOffset.UtcNow;
        if (expired > TimeSpan.Zero) await Task.Delay(expired + TimeSpan.FromMilliseconds(50));
        var second = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => s.ChatAsync("ctonew-claude-sonnet-4-5")));
        Assert.All(second, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(2, s.Clerk.Exchanges);
        Assert.Empty(s.Backup.Requests);
        s.AssertNoSecretLeaked();
    }

    [Theory]
    [InlineData("not-a-jwt", "not a JWT")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzaWQiOiJzZXNzXzEifQ.sig", "no rotating_token claim")]
    [InlineData("", "missing or empty")]
    public async Task A_malformed_cookie_is_a_400_with_a_clear_message(string cookie, string message)
    {
        await using var s = await StartAsync();
        var (status, body) = await s.StoreCookieAsync(cookie);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, JsonNode.Parse(body)!["error"]!["message"]!.GetValue<string>());
        var sessions = JsonNode.Parse(await s.Router.Http.GetStringAsync("/v1/auth/ctonew/status"))!;
        Assert.False(sessions["session_present"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Clerk_refusing_marks_the_session_unauthenticated_with_its_reason_and_routing_fails_over()
    {
        await using var s = await StartAsync();
        s.Clerk.Refuse = true;
        await s.StoreCookieAsync(s.Clerk.Cookie);

        var (status, body) = await s.ChatAsync("ctonew-gpt-5");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Hi from backup", body);
        Assert.Empty(s.EngineLabs.Requests);

        var status2 = JsonNode.Parse(await s.Router.Http.GetStringAsync("/v1/auth/ctonew/status"))!;
        var session = Assert.Single(status2["sessions"]!.AsArray())!;
        Assert.Equal("unauthenticated", session["health"]!.GetValue<string>());
        Assert.Contains("the session has ended", session["reason"]!.GetValue<string>());
        await RouterUnderTest.EventuallyAsync(async () => await s.Router.ProviderHealthAsync("ctonew") == "unauthenticated", "ctonew unauthenticated");
        s.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task A_restart_keeps_the_session_and_delete_removes_it()
    {
        await using var s = await StartAsync();
        await s.StoreCookieAsync(s.Clerk.Cookie);
        Assert.Equal(HttpStatusCode.OK, (await s.ChatAsync("ctonew-gpt-5")).Status);

        await s.Router.DisposeAsync();
        s.Router = await RouterUnderTest.StartAsync(s.Config, s.Log);
        Assert.Equal(HttpStatusCode.OK, (await s.ChatAsync("ctonew-claude-sonnet-4-5")).Status);
        Assert.Empty(s.Backup.Requests);
        var status = JsonNode.Parse(await s.Router.Http.GetStringAsync("/v1/auth/ctonew/status"))!;
        Assert.True(status["session_present"]!.GetValue<bool>());
        Assert.NotNull(status["sessions"]![0]!["expires_at"]);

        var deleted = await s.Router.Http.DeleteAsync("/v1/auth/ctonew");
        Assert.Equal(1, JsonNode.Parse(await deleted.Content.ReadAsStringAsync())!["signed_out"]!.GetValue<int>());
        Assert.Contains("Hi from backup", (await s.ChatAsync("ctonew-gpt-5")).Body);
        s.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task A_cookie_from_config_needs_no_POST()
    {
        await using var s = await StartAsync();
        // The cookie exists once the fake Clerk does: restart the router with it in config.
        await s.Router.DisposeAsync();
        var withCookie = s.Config with { Providers = [s.Config.Providers[0] with { Clerk = s.Clerk.Config(s.Clerk.Cookie) }, s.Config.Providers[1]] };
        s.Router = await RouterUnderTest.StartAsync(withCookie, s.Log);

        Assert.Equal(HttpStatusCode.OK, (await s.ChatAsync("ctonew-gpt-5")).Status);
        Assert.Equal(1, s.Clerk.Exchanges);
        Assert.Empty(s.Backup.Requests);
        s.AssertNoSecretLeaked();
    }
}
