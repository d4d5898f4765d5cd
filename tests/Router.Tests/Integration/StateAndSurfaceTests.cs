using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Integration;

/// <summary>Health, the model list, the echo provider, persistence across restarts, and secrets kept out of logs.</summary>
public sealed class StateAndSurfaceTests
{
    [Fact]
    public async Task Health_lists_every_provider_including_disabled_ones()
    {
        var fake = await FakeUpstream.StartAsync();
        await using var _ = fake;
        var config = Build(
            [OpenAiProvider("live", fake, "sk-1"), OpenAiProvider("no-keys", fake, "", "  "), OpenAiProvider("off", fake, "sk-2") with { Enabled = false }],
            [Route("^gpt-", "live", "no-keys", "off")]);
        await using var router = await RouterUnderTest.StartAsync(config);

        var health = await router.HealthAsync();

        Assert.Equal("healthy", health["router"]!.GetValue<string>());
        Assert.Equal("healthy", health["providers"]!["live"]!.GetValue<string>());
        Assert.Equal("disabled", health["providers"]!["no-keys"]!.GetValue<string>());
        Assert.Equal("disabled", health["providers"]!["off"]!.GetValue<string>());
        Assert.Contains(router.Log.Lines, l => l.Contains("Provider no-keys is disabled") && l.Contains("every api key is empty"));
    }

    [Fact]
    public async Task Models_lists_advertised_models_and_aliases()
    {
        var config = Build([new ProviderConfig { Name = "echo", Type = "echo", Models = ["echo-1", "echo-2"] }], [Route("^echo-", "echo")],
            aliases: new Dictionary<string, string> { ["fast"] = "echo-1" });
        await using var router = await RouterUnderTest.StartAsync(config);

        var list = (await router.Http.GetFromJsonAsync<JsonObject>("/v1/models"))!;

        Assert.Equal("list", list["object"]!.GetValue<string>());
        Assert.Equal(["echo-1", "echo-2", "fast"], list["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_started_router_runs_its_response_stream_hosts_before_its_first_request()
    {
        // Built by the first requests instead, the hosts block on an ask a burst of requests can starve (20 s, then a 500).
        var config = Build([new ProviderConfig { Name = "echo", Type = "echo" }], [Route("^echo-", "echo")]);
        await using var router = await RouterUnderTest.StartAsync(config);

        var hosts = router.ActorPaths().Count(p => p[(p.LastIndexOf('/') + 1)..].StartsWith("response-", StringComparison.Ordinal));

        Assert.Equal(Router.Http.Streaming.StreamHosts.Count, hosts);
    }

    [Fact]
    public async Task The_default_config_file_serves_echo_models_with_no_credentials()
    {
        var path = Path.Combine(RepoRoot(), "config.unified.yaml");
        var config = ConfigLoader.LoadFile(path) is var loaded
            ? loaded with { Server = loaded.Server with { Port = 0 }, Auth = loaded.Auth with { Dir = NewAuthDir() } }
            : null!;
        await using var router = await RouterUnderTest.StartAsync(config);

        ChatCompletion answer = await Integration.Sdk.Chat(router, "echo-1").CompleteChatAsync([new UserChatMessage("ping pong")]);
        var (streamed, _) = await Integration.Sdk.StreamAsync(Integration.Sdk.Chat(router, "echo-1"), [new UserChatMessage("one two three")]);

        Assert.Equal("echo: ping pong", answer.Content[0].Text);
        Assert.Equal("echo: one two three", streamed);
    }

    [Fact]
    public async Task Cooldown_and_health_survive_a_restart()
    {
        var authDir = NewAuthDir();
        var fake = await FakeUpstream.StartAsync();
        var backup = await FakeUpstream.StartAsync();
        await using var _ = fake; await using var __ = backup;
        fake.DefaultReply = OpenAiWire.RateLimited(600);
        backup.DefaultReply = OpenAiWire.Text("backup");
        RouterConfig Config() => Build([OpenAiProvider("primary", fake, "sk-p1"), OpenAiProvider("backup", backup, "sk-b1")], [Route("^gpt-", "primary", "backup")], authDir);

        await using (var router = await RouterUnderTest.StartAsync(Config()))
        {
            ChatCompletion first = await Integration.Sdk.Chat(router, "gpt-4.1").CompleteChatAsync([new UserChatMessage("Hi")]);
            Assert.Equal("backup", first.Content[0].Text);
            await RouterUnderTest.EventuallyAsync(async () => await router.ProviderHealthAsync("primary") == "degraded", "primary cooling down");
        }
        Assert.True(File.Exists(Path.Combine(authDir, "router.db")));

        await using (var restarted = await RouterUnderTest.StartAsync(Config()))
        {
            await RouterUnderTest.EventuallyAsync(async () => await restarted.ProviderHealthAsync("primary") == "degraded", "cooldown recovered from the journal");
            ChatCompletion second = await Integration.Sdk.Chat(restarted, "gpt-4.1").CompleteChatAsync([new UserChatMessage("Hi")]);
            Assert.Equal("backup", second.Content[0].Text);
            Assert.Single(fake.Requests); // the resting account was not called again after the restart
        }
    }

    [Fact]
    public async Task Keys_never_appear_in_logs_errors_or_responses()
    {
        const string upstreamKey = "sk-upstream-SECRET-91c2";
        const string clientKey = "sk-client-SECRET-44ab";
        var fake = await FakeUpstream.StartAsync();
        await using var _ = fake;
        fake.Authorize = c => OpenAiWire.HasKey(c, "another-key");
        fake.Unauthorized = (c, b) => WireReplies.Json(401, $$$"""{"error":{"message":"Incorrect API key provided: {{{upstreamKey}}}.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""")(c, b);
        await using var router = await RouterUnderTest.StartAsync(Build([OpenAiProvider("primary", fake, upstreamKey)], [Route("^gpt-", "primary")], clientKeys: [clientKey]));

        var bodies = new List<string>();
        foreach (var key in new[] { clientKey, "sk-client-SECRET-wrong" })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/chat/completions?key={key}") { Content = Json.Body("gpt-4.1") };
            var response = await router.Http.SendAsync(request);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }
        bodies.Add((await router.HealthAsync()).ToJsonString());

        var everything = string.Join("\n", bodies) + router.Log.All;
        Assert.DoesNotContain("SECRET", everything);
        await RouterUnderTest.EventuallyAsync(async () => await router.ProviderHealthAsync("primary") == "unauthenticated", "primary unauthenticated");
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Router.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Router.sln not found above the test binaries");
    }
}
