using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Router.Tests.Fakes;
using static Router.Tests.Reload.FileConfiguredRouter;

namespace Router.Tests.Reload;

/// <summary>POST /v0/management/reload and server.watch_config: what changes live, what is refused, what needs a restart, what state survives.</summary>
public sealed class ReloadTests
{
    private static string Config(string providers, string routes, string extraServer = "", string level = "info", string aliases = "") =>
        Header(extraServer: extraServer, level: level) + "providers:\n" + providers + "models:\n  routing:\n" + routes + aliases;

    private static string Route(string pattern, string provider) => $"    - pattern: \"{pattern}\"\n      providers: [{provider}]\n";

    private static JsonObject Chat(string model) => new()
    {
        ["model"] = model,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hello" }),
    };

    private static async Task<string> AskAsync(FileConfiguredRouter router, string model)
    {
        var response = await router.Http.PostAsJsonAsync("/v1/chat/completions", Chat(model));
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    [Fact]
    public async Task An_invalid_file_changes_nothing_and_the_answer_names_the_key_and_line()
    {
        await using var a = await FakeUpstream.StartAsync();
        a.DefaultReply = OpenAiWire.Text("from a");
        var valid = Config(OpenAi("a", a, "k-a"), Route("^gpt-", "a"));
        await using var router = await StartAsync(valid);

        // Line of `timeout:` in the rewritten file: the loader's own FILE:LINE: key.path message comes back.
        var invalid = Config(OpenAi("a", a, "k-a", timeout: -5), Route("^gpt-", "a") + Route("^claude-", "a"));
        router.Rewrite(invalid);
        var line = invalid.Split('\n').ToList().FindIndex(l => l.Contains("timeout: -5")) + 1;
        var (status, answer) = await router.ReloadAsync();

        Assert.Equal(422, status);
        Assert.False(answer["applied"]!.GetValue<bool>());
        Assert.Contains($"config.unified.yaml:{line}: providers.a.timeout:", answer["error"]!.ToString());
        Assert.StartsWith("200", await AskAsync(router, "gpt-x"));
        Assert.StartsWith("404", await AskAsync(router, "claude-x")); // the invalid file's new route was not applied
    }

    [Fact]
    public async Task Live_keys_apply_and_the_keys_that_need_a_restart_are_named()
    {
        await using var a = await FakeUpstream.StartAsync();
        a.DefaultReply = OpenAiWire.Text("from a");
        await using var router = await StartAsync(Config(OpenAi("a", a, "k-a"), Route("^gpt-", "a")));

        router.Rewrite(Config(OpenAi("a", a, "k-a"), Route("^gpt-", "a"), extraServer: "  max_body_bytes: 1000\n  cpu_scheduling: normal\n  api_keys: [sk-new]", level: "warn",
            aliases: "  aliases:\n    fast: gpt-fast\n"));
        var (status, answer) = await router.ReloadAsync();

        Assert.Equal(200, status);
        var changes = answer["changes"]!.AsArray().Select(c => c!.ToString()).ToList();
        Assert.Contains("logging.level: warn", changes);
        Assert.Contains("models.aliases: changed", changes);
        Assert.Contains("server.api_keys: changed", changes);
        Assert.Equal(["server.max_body_bytes", "server.cpu_scheduling"], answer["restart_needed"]!.AsArray().Select(c => c!.ToString()));
        Assert.StartsWith("401", await AskAsync(router, "fast")); // client keys now required
        router.Http.DefaultRequestHeaders.Authorization = new("Bearer", "sk-new");
        Assert.StartsWith("200", await AskAsync(router, "fast"));
        Assert.Equal("gpt-fast", a.LastRequest.Body!["model"]!.ToString());
        // A second reload of the same file still names what waits for a restart, and changes nothing else.
        var (_, again) = await router.ReloadAsync();
        Assert.Empty(again["changes"]!.AsArray());
        Assert.Equal(["server.max_body_bytes", "server.cpu_scheduling"], again["restart_needed"]!.AsArray().Select(c => c!.ToString()));
    }

    [Fact]
    public async Task An_unchanged_account_keeps_its_cooldown_across_a_reload()
    {
        await using var a = await FakeUpstream.StartAsync();
        await using var b = await FakeUpstream.StartAsync();
        a.DefaultReply = OpenAiWire.RateLimited(300);
        b.DefaultReply = OpenAiWire.Text("from b");
        await using var router = await StartAsync(Config(OpenAi("a", a, "k-a"), Route("^gpt-", "a")));
        Assert.StartsWith("429", await AskAsync(router, "gpt-x"));
        await RouterUnderTest.EventuallyAsync(async () => await CooldownAsync(router, "a") is not null, "the account's cooldown in the status");
        var before = await CooldownAsync(router, "a");

        router.Rewrite(Config(OpenAi("a", a, "k-a") + OpenAi("b", b, "k-b"), Route("^gpt-", "a") + Route("^claude-", "b")));
        var (status, answer) = await router.ReloadAsync();
        Assert.Equal(200, status);
        Assert.Equal(["providers.b: added", "models.routing: changed"], answer["changes"]!.AsArray().Select(c => c!.ToString()));

        Assert.Equal(before, await CooldownAsync(router, "a"));
        var requestsBefore = a.Requests.Count;
        Assert.StartsWith("429", await AskAsync(router, "gpt-x")); // still cooling: answered without asking the upstream
        Assert.Equal(requestsBefore, a.Requests.Count);
        Assert.StartsWith("200", await AskAsync(router, "claude-x"));
    }

    [Fact]
    public async Task With_watch_config_a_change_to_the_file_is_applied()
    {
        await using var a = await FakeUpstream.StartAsync();
        await using var b = await FakeUpstream.StartAsync();
        a.DefaultReply = OpenAiWire.Text("from a");
        b.DefaultReply = OpenAiWire.Text("from b");
        var providers = OpenAi("a", a, "k-a") + OpenAi("b", b, "k-b");
        await using var router = await StartAsync(Config(providers, Route("^gpt-", "a"), extraServer: "  watch_config: true"));
        Assert.Contains("from a", await AskAsync(router, "gpt-x"));

        router.Rewrite(Config(providers, Route("^gpt-", "b"), extraServer: "  watch_config: true"));
        await RouterUnderTest.EventuallyAsync(async () => (await AskAsync(router, "gpt-x")).Contains("from b"), "the watched file's new route", 15_000);
        // The reload logs once it has applied everything, so the new route can answer just before that line is written.
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(router.Router.Log.Lines.Any(l => l.Contains("Config reloaded (config file changed)"))),
            "the reload's log line", 15_000);
    }

    private static async Task<string?> CooldownAsync(FileConfiguredRouter router, string provider)
    {
        var status = await router.Http.GetFromJsonAsync<JsonObject>("/v0/management/status");
        var entry = status!["providers"]!.AsArray().First(p => p!["name"]!.ToString() == provider)!;
        return entry["accounts"]!.AsArray()[0]!["cooldown_until"]?.ToString();
    }
}
