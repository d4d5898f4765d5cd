using System.Net;
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
    }
}
