using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Diagnostics;

/// <summary>
/// Two routers in this process forming a real Akka cluster on loopback: each node's management API
/// lists both members as Up, the sharding stats cover both nodes, and a down from one node removes the other.
/// </summary>
public sealed class TwoNodeClusterTests
{
    [Fact]
    public async Task Both_nodes_list_both_members_and_a_downed_node_leaves_the_membership()
    {
        var port1 = FreePort();
        var port2 = FreePort();
        while (port2 == port1) port2 = FreePort();
        var seed = $"akka.tcp://router@127.0.0.1:{port1}";
        await using var node1 = await RouterUnderTest.StartAsync(NodeConfig(port1, seed));
        await using var node2 = await RouterUnderTest.StartAsync(NodeConfig(port2, seed));
        var other = $"akka.tcp://router@127.0.0.1:{port2}";
        string[] addresses = new[] { seed, other }.Order().ToArray();

        foreach (var node in new[] { node1, node2 })
            await RouterUnderTest.EventuallyAsync(async () => UpMembers(await ClusterAsync(node)).SequenceEqual(addresses),
                $"{node.BaseUrl} to see both members Up", 30000);
        var view2 = await ClusterAsync(node2);
        Assert.Equal(other, view2["self"]!.GetValue<string>());
        Assert.Equal(seed, view2["members"]![0]!["address"]!.GetValue<string>()); // the oldest first
        Assert.Contains(view2["leader"]!.GetValue<string>(), addresses);

        await RouterUnderTest.EventuallyAsync(async () =>
        {
            var stats = await GetAsync(node1, "/v0/management/cluster/sharding/region-stats/account");
            return stats["complete"]!.GetValue<bool>() && stats["entity_count"]!.GetValue<int>() == 2
                && stats["nodes"]!.AsArray().Select(n => n!["address"]!.GetValue<string>()).Order().SequenceEqual(addresses);
        }, "the account stats to cover both nodes", 30000);
        var accounts = (await GetAsync(node2, "/v0/management/accounts"))["accounts"]!.AsArray();
        Assert.All(accounts, a => Assert.Contains(a!["node"]!.GetValue<string>(), addresses));

        var down = await node1.Http.PostAsJsonAsync("/v0/management/cluster/down", new { address = other });
        Assert.Equal(202, (int)down.StatusCode);
        await RouterUnderTest.EventuallyAsync(async () => UpMembers(await ClusterAsync(node1)).SequenceEqual([seed]),
            "node 1 to drop the downed node", 30000);
    }

    private static RouterConfig NodeConfig(int port, string seed)
    {
        var config = Build([new ProviderConfig { Name = "echo", Type = "echo" }, new ProviderConfig { Name = "echo-b", Type = "echo" }],
            [Route("^echo-", "echo", "echo-b")]);
        return config with { Cluster = new ClusterConfig { Enabled = true, Hostname = "127.0.0.1", Port = port, SeedNodes = [seed], Secret = "two-node-cluster-secret-0123456789" } };
    }

    private static IEnumerable<string> UpMembers(JsonObject cluster) =>
        cluster["members"]!.AsArray().Where(m => m!["status"]!.GetValue<string>() == "up").Select(m => m!["address"]!.GetValue<string>()).Order();

    private static Task<JsonObject> ClusterAsync(RouterUnderTest node) => GetAsync(node, "/v0/management/cluster");

    private static async Task<JsonObject> GetAsync(RouterUnderTest node, string path) => (await node.Http.GetFromJsonAsync<JsonObject>(path))!;
}
