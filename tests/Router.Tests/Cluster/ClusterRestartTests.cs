using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Router.Tests.Fakes;
using Router.Tests.Operations;
using Xunit;
using Xunit.Abstractions;

namespace Router.Tests.Cluster;

/// <summary>
/// The whole cluster stopped and started again keeps every account's state, because it lives in
/// PostgreSQL: a key put in cooldown by a 429 before the restart is still resting after it, on
/// every node, and no node calls it. `router status` of a node lists the members.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ClusterRestartTests(ClusterEnvironment env, ITestOutputHelper output)
{
    private const string RestingKey = "sk-acct-1";

    [Fact]
    public async Task A_restart_of_the_whole_cluster_keeps_a_cooldown_from_PostgreSQL()
    {
        await using var upstream = await ClusterFakes.OpenAiAsync(env);
        var resting = 0;
        upstream.DefaultReply = (context, body) =>
        {
            if (!OpenAiWire.HasKey(context, RestingKey)) return OpenAiWire.Text("hello")(context, body);
            Interlocked.Increment(ref resting);
            return OpenAiWire.RateLimited(3600)(context, body);
        };
        await using var cluster = await RouterCluster.CreateAsync(env, output, 3, ClusterFakes.OpenAiProvider(upstream, 2), ClusterFakes.GptRoute);
        await cluster.StartAllAsync();

        // Requests until the resting key has answered 429 once: it fails over to the other key and rests.
        await cluster.WaitAsync(async () => (await ClusterLoad.SendAsync(cluster.Nodes[0], "gpt-4o")).Status == HttpStatusCode.OK && resting > 0,
            "the key to get its 429", TimeSpan.FromSeconds(60));
        await cluster.WaitAsync(async () => await CoolingDownEverywhereAsync(cluster), "the cooldown seen by every node", TimeSpan.FromSeconds(30));

        foreach (var node in cluster.Nodes) await node.StopAsync();
        cluster.Say("whole cluster stopped");
        var callsBefore = resting;
        await cluster.StartAllAsync();

        await cluster.WaitAsync(async () => await CoolingDownEverywhereAsync(cluster), "the cooldown after the restart on every node", TimeSpan.FromSeconds(60));
        foreach (var node in cluster.Nodes)
            for (var i = 0; i < 4; i++)
                await cluster.AssertServesAsync(node, "gpt-4o");
        Assert.Equal(callsBefore, resting);

        var statusRun = await RouterProcess.RunAsync(cluster.Nodes[1].Dir, "status", "--json", "--config", Path.Combine(cluster.Nodes[1].Dir, "config.unified.yaml"));
        Assert.Equal(0, statusRun.ExitCode);
        var members = JsonNode.Parse(statusRun.Output)!["cluster"]!["members"]!.AsArray();
        Assert.Equal(3, members.Count(m => m!["status"]!.GetValue<string>() == "up"));
        foreach (var node in cluster.Nodes) Assert.DoesNotContain("23505", node.Output);
    }

    /// <summary>Every node's management status shows the resting key with a cooldown.</summary>
    private static async Task<bool> CoolingDownEverywhereAsync(RouterCluster cluster)
    {
        foreach (var node in cluster.Nodes)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v0/management/status");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RouterCluster.ManagementKey);
            using var response = await node.Http.SendAsync(request);
            if (!response.IsSuccessStatusCode) return false;
            var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var account = status["providers"]!.AsArray().SelectMany(p => p!["accounts"]!.AsArray()).FirstOrDefault(a => a!["name"]!.GetValue<string>() == "openai#1");
            if (account?["cooldown_until"] is null) return false;
        }
        return true;
    }
}
