using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Integration;

/// <summary>
/// An API-key account the upstream refused (401) comes back by itself: its key is probed with one real
/// call after probe_after (doubling), at once after a restart, or when an operator resets it.
/// </summary>
public sealed class AccountHealingTests
{
    private const string Key = "sk-heal";
    // A probe lease lost to a lease request that timed out (a loaded machine) blocks the next probe until the lease lapses (timeout + 30 s).
    private const int Patience = 60_000;

    private static async Task<FakeUpstream> RefusingUpstreamAsync()
    {
        var fake = await FakeUpstream.StartAsync();
        fake.Authorize = _ => false;
        fake.Unauthorized = OpenAiWire.InvalidKey;
        fake.DefaultReply = OpenAiWire.Text("healed");
        return fake;
    }

    private static RouterConfig Config(FakeUpstream fake, double probeAfterSeconds, string? authDir = null) =>
        Build([OpenAiProvider("openai-main", fake, Key) with { ProbeAfter = probeAfterSeconds }], [Route("^gpt-", "openai-main")], authDir);

    private static async Task<HttpStatusCode> ChatAsync(RouterUnderTest router) =>
        (await router.Http.PostAsync("/v1/chat/completions", Json.Body("gpt-4.1"))).StatusCode;

    /// <summary>Calls until the upstream's refusal has made the account unauthenticated (the first call may
    /// time out on a loaded machine while the account entity starts).</summary>
    private static Task RefusedAsync(RouterUnderTest router) =>
        RouterUnderTest.EventuallyAsync(async () =>
        {
            Assert.NotEqual(HttpStatusCode.OK, await ChatAsync(router));
            return await router.ProviderHealthAsync("openai-main") == "unauthenticated";
        }, "the account unauthenticated", 20_000);

    private static async Task<JsonObject> AccountStatusAsync(RouterUnderTest router)
    {
        var status = (await router.Http.GetFromJsonAsync<JsonObject>("/v0/management/status"))!;
        return status["providers"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "openai-main")!["accounts"]![0]!.AsObject();
    }

    [Fact]
    public async Task A_refused_key_is_probed_after_its_backoff_and_serves_again_once_accepted()
    {
        await using var fake = await RefusingUpstreamAsync();
        await using var router = await RouterUnderTest.StartAsync(Config(fake, probeAfterSeconds: 0.5));

        await RefusedAsync(router);
        var account = await AccountStatusAsync(router);
        Assert.Equal("openai-main#1", account["name"]!.GetValue<string>());
        Assert.Equal("unauthenticated", account["health"]!.GetValue<string>());
        Assert.True(account.ContainsKey("next_probe_at")); // null only while a probe runs

        fake.Authorize = c => OpenAiWire.HasKey(c, Key); // the key works again
        await RouterUnderTest.EventuallyAsync(async () => await ChatAsync(router) == HttpStatusCode.OK, "a probe after the backoff serves the request", Patience);
        await RouterUnderTest.EventuallyAsync(async () => await router.ProviderHealthAsync("openai-main") == "healthy", "the account healthy");
        Assert.Null((await AccountStatusAsync(router))["next_probe_at"]);
    }

    [Fact]
    public async Task Reset_brings_an_account_back_at_once_and_an_unknown_one_is_a_404()
    {
        await using var fake = await RefusingUpstreamAsync();
        await using var router = await RouterUnderTest.StartAsync(Config(fake, probeAfterSeconds: 3600));
        await RefusedAsync(router);
        fake.Authorize = _ => true;
        Assert.NotEqual(HttpStatusCode.OK, await ChatAsync(router)); // its probe is an hour away
        var calls = fake.Requests.Count;

        var unknown = await router.Http.PostAsync("/v0/management/accounts/nobody%231/reset", null);
        var reset = await router.Http.PostAsync("/v0/management/accounts/openai-main%231/reset", null);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.NotNull(JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!["error"]);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var answer = JsonNode.Parse(await reset.Content.ReadAsStringAsync())!;
        Assert.Equal("openai-main#1", answer["reset"]!.GetValue<string>());
        Assert.Equal("healthy", answer["account"]!["health"]!.GetValue<string>());
        Assert.Equal(calls, fake.Requests.Count);
        await RouterUnderTest.EventuallyAsync(async () => await ChatAsync(router) == HttpStatusCode.OK, "the reset account serves");
    }

    [Fact]
    public async Task After_a_restart_an_unauthenticated_account_probes_at_once()
    {
        var authDir = NewAuthDir();
        await using var fake = await RefusingUpstreamAsync();
        await using (var router = await RouterUnderTest.StartAsync(Config(fake, probeAfterSeconds: 3600, authDir)))
        {
            await RefusedAsync(router);
        }
        fake.Authorize = _ => true; // e.g. the vendor re-enabled the key while the router was down

        await using var restarted = await RouterUnderTest.StartAsync(Config(fake, probeAfterSeconds: 3600, authDir));
        await RouterUnderTest.EventuallyAsync(async () => await ChatAsync(restarted) == HttpStatusCode.OK, "the recovered account probed at start", Patience);
        await RouterUnderTest.EventuallyAsync(async () => await restarted.ProviderHealthAsync("openai-main") == "healthy", "the account healthy");
    }
}
