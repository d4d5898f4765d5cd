using System.Net;
using System.Text.Json.Nodes;
using Router.Tests.Operations;
using Router.Tests.Fakes;
using Xunit;
using Xunit.Abstractions;

namespace Router.Tests.Cluster;

/// <summary>
/// Nodes on their own addresses form one cluster, every node a seed, and a restarted first seed
/// joins that cluster again instead of forming a second one.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ClusterFormationTests(ClusterEnvironment env, ITestOutputHelper output)
{
    [Fact]
    public async Task Three_nodes_form_one_cluster_and_every_node_lists_the_same_three_members_Up()
    {
        await using var upstream = await ClusterFakes.OpenAiAsync(env);
        await using var cluster = await RouterCluster.CreateAsync(env, output, 3, ClusterFakes.OpenAiProvider(upstream, 3), ClusterFakes.GptRoute);
        await cluster.StartAllAsync();

        foreach (var node in cluster.Nodes)
        {
            var (status, health) = await node.HealthAsync();
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("healthy", health!["router"]!.GetValue<string>());
            Assert.Equal("up", health["cluster"]!["status"]!.GetValue<string>());
            Assert.Equal(node.AkkaAddress, health["cluster"]!["self"]!.GetValue<string>());
            Assert.NotNull(health["cluster"]!["leader"]);
            Assert.Equal(3, health["cluster"]!["members"]!.AsArray().Count);
            var (answer, detail) = await ClusterLoad.SendAsync(node, "gpt-4o");
            Assert.True(answer == HttpStatusCode.OK, $"{node.Name}: {answer} {detail}");
        }

        // `router diag cluster show --json`, pointed at each node by its config, lists the same three members Up.
        var everyNode = cluster.Nodes.Select(n => n.AkkaAddress).Order().ToList();
        foreach (var node in cluster.Nodes)
        {
            var diag = await RouterProcess.RunAsync(node.Dir, "diag", "cluster", "show", "--json", "--config", Path.Combine(node.Dir, "config.unified.yaml"));
            Assert.True(diag.ExitCode == 0, $"{node.Name}: diag exited {diag.ExitCode}: {diag.Output}");
            var shown = JsonNode.Parse(diag.Output[diag.Output.IndexOf('{')..(diag.Output.LastIndexOf('}') + 1)])!;
            var members = shown["members"]!.AsArray();
            Assert.Equal(everyNode, members.Select(m => m!["address"]!.GetValue<string>()).Order().ToList());
            Assert.All(members, m => Assert.Equal("up", m!["status"]!.GetValue<string>()));
            Assert.Equal(node.AkkaAddress, shown["self"]!.GetValue<string>());
        }
    }
}
