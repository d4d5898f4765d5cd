using System.Net;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.SignIn;

/// <summary>
/// Clients and logs see an account as `provider#n`: an error naming the accounts it tried, /v1/health and
/// router.log (request log included) never carry a signed-in email or a ctonew session id.
/// </summary>
public sealed class AccountNamingTests
{
    private const string Email = "victim@example.com";
    private const string HostileSid = "../../etc/victim-sid\0x";

    private static RouterConfig WithRequestLog(RouterConfig config) => config with { Logging = config.Logging with { RequestLog = true } };

    [Fact]
    public async Task A_signed_in_email_never_reaches_an_error_health_or_the_log()
    {
        await using var h = await LlmuxHarness.StartAsync(WithRequestLog);
        Assert.Equal(HttpStatusCode.OK, (await h.SignInAsync("claude", Email)).StatusCode);
        h.Claude.DefaultReply = AnthropicWire.Overloaded;
        h.Backup.DefaultReply = OpenAiWire.ServerError;

        var (status, body) = await h.ChatAsync("claude-sonnet-4-5");
        var health = (await h.Router.HealthAsync()).ToJsonString();

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("claude-pro#1", body);
        Assert.DoesNotContain("victim", body + health);
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(h.Log.All.Contains("\"status\":502")), "the request-log line");
        Assert.Contains("Signed in claude-pro#1", h.Log.All);
        Assert.DoesNotContain("victim", h.Log.All);
        // The sign-in status (management key) still lists the email, beside the label.
        var account = (await h.StatusAsync("claude"))["accounts"]![0]!;
        Assert.Equal(Email, account["email"]!.GetValue<string>());
        Assert.Equal("claude-pro#1", account["account"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_signed_in_account_keeps_its_number_across_a_restart_and_the_next_one_gets_the_next()
    {
        await using var h = await LlmuxHarness.StartAsync();
        await h.SignInAsync("claude", Email);
        await h.SignInAsync("claude", "second@example.com");
        await h.RestartRouterAsync();

        async Task<string> LabelsAsync()
        {
            var status = JsonNode.Parse(await h.Router.Http.GetStringAsync("/v0/management/status"))!;
            var accounts = status["providers"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "claude-pro")!["accounts"]!.AsArray();
            return string.Join(",", accounts.Select(a => $"{a!["name"]}={a["identity"]}").Order());
        }
        await RouterUnderTest.EventuallyAsync(async () => await LabelsAsync() == $"claude-pro#1={Email},claude-pro#2=second@example.com",
            "both accounts named by their number after the restart", 30_000);
    }

    [Fact]
    public async Task A_hostile_ctonew_session_id_is_fingerprinted_and_never_shown_to_clients_or_logged()
    {
        await using var clerk = await FakeClerk.StartAsync();
        await using var engineLabs = await FakeUpstream.StartAsync();
        engineLabs.DefaultReply = OpenAiWire.ServerError;
        var config = WithRequestLog(Build(
            [new ProviderConfig { Name = "ctonew", Type = "ctonew", BaseUrl = engineLabs.BaseUrl, Timeout = 10, Clerk = clerk.Config(), Models = ["ctonew-gpt-5"] }],
            [Route("^ctonew-", "ctonew")]));
        var log = new CapturedLog();
        await using var router = await RouterUnderTest.StartAsync(config, log);
        var cookie = FakeOAuthServer.UnsignedJwt(new JsonObject { ["sid"] = HostileSid, ["rotating_token"] = clerk.RotatingToken });

        var stored = await router.Http.PostAsync("/v1/auth/ctonew", Integration.Json.Raw(new JsonObject { ["clerk_jwt_cookie"] = cookie }.ToJsonString()));
        var storedAnswer = JsonNode.Parse(await stored.Content.ReadAsStringAsync())!;
        var chat = await router.Http.PostAsync("/v1/chat/completions", Integration.Json.Body("ctonew-gpt-5"));
        var body = await chat.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Matches("^session-[0-9a-f]{8}$", storedAnswer["session"]!.GetValue<string>());
        Assert.Equal("ctonew#1", storedAnswer["account"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadGateway, chat.StatusCode);
        Assert.Contains("ctonew#1", body);
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(log.All.Contains("\"status\":502")), "the request-log line");
        foreach (var text in new[] { body, log.All, (await router.HealthAsync()).ToJsonString() })
        {
            Assert.DoesNotContain("victim-sid", text);
            Assert.DoesNotContain("../", text);
        }
    }
}
