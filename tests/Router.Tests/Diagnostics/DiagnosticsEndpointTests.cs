using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Router.Tests.Diagnostics;

/// <summary>
/// The management API behind `router diag`, on a cluster of one: membership, leave and down (refused
/// for this node, the only member), sharding, the actor tree and the accounts, all behind the management key.
/// </summary>
public sealed class DiagnosticsEndpointTests(DiagRouterFixture fixture) : IClassFixture<DiagRouterFixture>
{
    public static readonly TheoryData<string, string> GuardedRoutes = new()
    {
        { "GET", "/v0/management/cluster" },
        { "POST", "/v0/management/cluster/leave" },
        { "POST", "/v0/management/cluster/down" },
        { "GET", "/v0/management/cluster/sharding/regions" },
        { "GET", "/v0/management/cluster/sharding/region-stats/account" },
        { "GET", "/v0/management/actors" },
        { "GET", "/v0/management/accounts" },
        { "GET", "/v0/management/runtime" },
    };

    [Theory]
    [MemberData(nameof(GuardedRoutes))]
    public async Task Every_route_needs_the_management_key(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? JsonContent.Create(new { address = "akka.tcp://router@127.0.0.1:1" }) : null };
        var answer = await fixture.Router.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Contains("management key", await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Cluster_show_lists_this_node_as_the_only_member_up_and_leader()
    {
        var cluster = await fixture.GetAsync("/v0/management/cluster");
        var self = cluster["self"]!.GetValue<string>();
        Assert.Matches(@"^akka\.tcp://router@127\.0\.0\.1:\d+$", self);
        Assert.Equal("up", cluster["self_status"]!.GetValue<string>());
        Assert.Equal(self, cluster["leader"]!.GetValue<string>());
        Assert.Empty(cluster["unreachable"]!.AsArray());
        var member = Assert.Single(cluster["members"]!.AsArray())!;
        Assert.Equal(self, member["address"]!.GetValue<string>());
        Assert.Equal("up", member["status"]!.GetValue<string>());
        Assert.True(member["reachable"]!.GetValue<bool>());
        Assert.Equal(1, member["age_rank"]!.GetValue<int>());
        Assert.True(member["self"]!.GetValue<bool>());
        Assert.True(member["leader"]!.GetValue<bool>());
        Assert.IsType<JsonArray>(member["roles"]);
    }

    [Theory]
    [InlineData("leave")]
    [InlineData("down")]
    public async Task Leave_and_down_refuse_bad_unknown_and_last_addresses_and_the_node_stays_up(string verb)
    {
        var self = await fixture.SelfAsync();
        await AssertRefusedAsync(verb, new { address = "not-an-address" }, 400, "not a node address");
        await AssertRefusedAsync(verb, new { address = "akka.tcp://router" }, 400, "not a node address");
        await AssertRefusedAsync(verb, new { node = self }, 400, "address");
        await AssertRefusedAsync(verb, new { address = "akka.tcp://router@127.0.0.9:4053" }, 404, "not a member");
        // The only member is this node: leaving or downing it would stop the router, which is `router stop`'s job.
        await AssertRefusedAsync(verb, new { address = self }, 409, "only member");
        var cluster = await fixture.GetAsync("/v0/management/cluster");
        Assert.Equal("up", cluster["self_status"]!.GetValue<string>());
        Assert.Equal(200, (int)(await fixture.Managed.GetAsync("/v1/health")).StatusCode);
    }

    private async Task AssertRefusedAsync(string verb, object body, int status, string says)
    {
        var answer = await fixture.Managed.PostAsJsonAsync($"/v0/management/cluster/{verb}", body);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True((int)answer.StatusCode == status, $"{verb} {System.Text.Json.JsonSerializer.Serialize(body)}: {(int)answer.StatusCode} {text}");
        Assert.Contains(says, JsonNode.Parse(text)!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sharding_regions_name_the_account_and_roster_types()
    {
        var regions = await fixture.GetAsync("/v0/management/cluster/sharding/regions");
        Assert.Equal(await fixture.SelfAsync(), regions["self"]!.GetValue<string>());
        var types = regions["regions"]!.AsArray().Select(r => r!["type"]!.GetValue<string>()).ToList();
        Assert.Equal(["account", "roster", "signin"], types);
        Assert.All(regions["regions"]!.AsArray(), r => Assert.StartsWith("/system/sharding/", r!["path"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Region_stats_count_every_account_on_this_node_and_an_unknown_type_is_404()
    {
        var stats = await fixture.GetAsync("/v0/management/cluster/sharding/region-stats/account");
        Assert.Equal("account", stats["type"]!.GetValue<string>());
        Assert.True(stats["complete"]!.GetValue<bool>());
        Assert.Empty(stats["did_not_reply"]!.AsArray());
        Assert.Equal(3, stats["entity_count"]!.GetValue<int>());
        var node = Assert.Single(stats["nodes"]!.AsArray())!;
        Assert.Equal(await fixture.SelfAsync(), node["address"]!.GetValue<string>());
        var shards = node["shards"]!.AsArray();
        Assert.Equal(node["shard_count"]!.GetValue<int>(), shards.Count);
        Assert.Equal(3, shards.Sum(s => s!["entities"]!.GetValue<int>()));
        Assert.Equal(stats["shard_count"]!.GetValue<int>(), shards.Count);
        Assert.Empty(node["failed_shards"]!.AsArray());

        var unknown = await fixture.Managed.GetAsync("/v0/management/cluster/sharding/region-stats/nope");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task The_actor_tree_goes_as_deep_as_asked_and_counts_children()
    {
        var shallow = await fixture.GetAsync("/v0/management/actors?depth=1");
        Assert.Equal(1, shallow["depth"]!.GetValue<int>());
        Assert.Equal(["/system", "/user"], shallow["actors"]!.AsArray().Select(a => a!["path"]!.GetValue<string>()).ToList());

        var tree = await fixture.GetAsync("/v0/management/actors");
        Assert.Equal(3, tree["depth"]!.GetValue<int>());
        Assert.False(tree["truncated"]!.GetValue<bool>());
        var actors = tree["actors"]!.AsArray().Select(a => (Path: a!["path"]!.GetValue<string>(), Depth: a["depth"]!.GetValue<int>(), Children: a["children"]!.GetValue<int>())).ToList();
        Assert.Contains(actors, a => a.Path == "/user/routing/openai-main" && a.Depth == 3);
        Assert.Contains(actors, a => a.Path == "/system/sharding/account" && a.Depth == 3);
        Assert.DoesNotContain(actors, a => a.Depth > 3);
        // Above the last level, an actor's count is the number of its children listed under it.
        foreach (var parent in actors.Where(a => a.Depth < 3))
            Assert.Equal(parent.Children, actors.Count(a => a.Depth == parent.Depth + 1 && a.Path.StartsWith(parent.Path + "/", StringComparison.Ordinal)));
        Assert.True(actors.Single(a => a.Path == "/system/sharding/account").Children > 0);

        foreach (var bad in new[] { "0", "13", "-1", "deep" })
            Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Managed.GetAsync($"/v0/management/actors?depth={bad}")).StatusCode);
    }

    [Fact]
    public async Task Accounts_name_their_provider_entity_and_node_and_never_a_key()
    {
        var response = await fixture.Managed.GetAsync("/v0/management/accounts");
        var text = await response.Content.ReadAsStringAsync();
        Assert.All(DiagRouterFixture.ApiKeys, key => Assert.DoesNotContain(key, text));
        var answer = JsonNode.Parse(text)!;
        var self = await fixture.SelfAsync();
        Assert.Equal(self, answer["self"]!.GetValue<string>());
        Assert.Empty(answer["nodes_not_replying"]!.AsArray());
        var accounts = answer["accounts"]!.AsArray();
        Assert.Equal(["echo#1", "openai-main#1", "openai-main#2"], accounts.Select(a => a!["name"]!.GetValue<string>()).ToList());
        Assert.All(accounts, a =>
        {
            Assert.Equal(self, a!["node"]!.GetValue<string>());
            Assert.Equal("healthy", a["health"]!.GetValue<string>());
            Assert.Equal(0, a["in_flight"]!.GetValue<int>());
            Assert.False(string.IsNullOrEmpty(a["entity_id"]!.GetValue<string>()));
            Assert.True(a.AsObject().ContainsKey("cooldown_until"));
            Assert.True(a.AsObject().ContainsKey("token_expires_at"));
        });
        Assert.Equal("openai-main", accounts[1]!["provider"]!.GetValue<string>());
    }
}
