using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Diagnostics;

/// <summary>
/// One in-process router (a cluster of one) with a management key, an echo provider and an OpenAI
/// provider with two keys that are never called, shared by the diagnostics tests of a class.
/// </summary>
public sealed class DiagRouterFixture : IAsyncLifetime
{
    public const string ManagementKey = "diag-management-key";
    public static readonly string[] ApiKeys = ["sk-diag-secret-one", "sk-diag-secret-two"];

    public RouterUnderTest Router { get; private set; } = null!;
    /// <summary>A client that presents the management key.</summary>
    public HttpClient Managed { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var config = Build(
            [
                new ProviderConfig { Name = "echo", Type = "echo" },
                new ProviderConfig { Name = "openai-main", Type = "openai", BaseUrl = "http://127.0.0.1:9/v1", ApiKeys = ApiKeys, Timeout = 5 },
            ],
            [Route("^echo-", "echo"), Route("^gpt-", "openai-main")]);
        Router = await RouterUnderTest.StartAsync(config with { Server = config.Server with { ManagementKey = ManagementKey } });
        Managed = new HttpClient { BaseAddress = new Uri(Router.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        Managed.DefaultRequestHeaders.Add("X-Management-Key", ManagementKey);
        // Every account has woken (the providers wake them at start), so the sharding stats count them all.
        await RouterUnderTest.EventuallyAsync(async () => (await GetAsync("/v0/management/cluster/sharding/region-stats/account"))["entity_count"]!.GetValue<int>() == 3,
            "the three accounts to run as entities", 15000);
    }

    public async Task<JsonObject> GetAsync(string path) => (await Managed.GetFromJsonAsync<JsonObject>(path))!;

    public async Task<string> SelfAsync() => (await GetAsync("/v0/management/cluster"))["self"]!.GetValue<string>();

    public async Task DisposeAsync()
    {
        Managed.Dispose();
        await Router.DisposeAsync();
    }
}
