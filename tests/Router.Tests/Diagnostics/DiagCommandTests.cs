using System.Text.Json.Nodes;

namespace Router.Tests.Diagnostics;

/// <summary>
/// `router diag` as built, against an in-process router (a cluster of one): each verb's --json is the
/// node's answer, its table reads, and failures end with their documented exit code
/// (1 refused, 2 bad --url or config, 3 unreachable, 4 management key missing or wrong).
/// </summary>
public sealed class DiagCommandTests(DiagRouterFixture fixture) : IClassFixture<DiagRouterFixture>
{
    private const string Key = DiagRouterFixture.ManagementKey;

    private Task<DiagCli.Run> Diag(params string[] args) => DiagCli.RunAsync(Key, [.. args, "--url", fixture.Router.BaseUrl]);

    private static JsonObject Json(DiagCli.Run run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonNode.Parse(run.Stdout)!.AsObject();
    }

    [Fact]
    public async Task Cluster_show_prints_the_members_as_json_and_as_a_table()
    {
        var self = await fixture.SelfAsync();
        var json = Json(await Diag("cluster", "show", "--json"));
        Assert.Equal(self, json["self"]!.GetValue<string>());
        Assert.Equal(self, Assert.Single(json["members"]!.AsArray())!["address"]!.GetValue<string>());

        var table = await Diag("cluster", "show");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains($"This node: {self} (up)", table.Stdout);
        Assert.Contains("reachable", table.Stdout);
        Assert.Contains("self leader", table.Stdout);
    }

    [Fact]
    public async Task Sharding_verbs_print_regions_and_stats()
    {
        var regions = Json(await Diag("cluster", "sharding", "regions", "--json"));
        Assert.Equal(["account", "roster", "signin"], regions["regions"]!.AsArray().Select(r => r!["type"]!.GetValue<string>()));
        var stats = Json(await Diag("cluster", "sharding", "region-stats", "account", "--json"));
        Assert.Equal(3, stats["entity_count"]!.GetValue<int>());
        Assert.True(stats["complete"]!.GetValue<bool>());

        var table = await Diag("cluster", "sharding", "region-stats", "account");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("Shard type account:", table.Stdout);
        Assert.Contains(await fixture.SelfAsync(), table.Stdout);
        Assert.Contains("/system/sharding/account", (await Diag("cluster", "sharding", "regions")).Stdout);

        var unknown = await Diag("cluster", "sharding", "region-stats", "nope");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no shard region named 'nope'", unknown.Stderr);
    }

    [Fact]
    public async Task Actor_hierarchy_follows_depth()
    {
        var json = Json(await Diag("actor", "hierarchy", "--depth", "2", "--json"));
        Assert.Equal(2, json["depth"]!.GetValue<int>());
        var paths = json["actors"]!.AsArray().Select(a => a!["path"]!.GetValue<string>()).ToList();
        Assert.Contains("/user/routing", paths);
        Assert.DoesNotContain("/user/routing/openai-main", paths);

        var table = await Diag("actor", "hierarchy");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("(depth 3)", table.Stdout);
        Assert.Contains("    /user/routing/openai-main", table.Stdout); // indented two steps under /user

        Assert.Equal(1, (await Diag("actor", "hierarchy", "--depth", "0")).ExitCode);
    }

    [Fact]
    public async Task Accounts_print_each_account_with_its_node_and_never_a_key()
    {
        var json = Json(await Diag("accounts", "--json"));
        Assert.Equal(3, json["accounts"]!.AsArray().Count);
        var table = await Diag("accounts");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("openai-main#2", table.Stdout);
        Assert.Contains(await fixture.SelfAsync(), table.Stdout);
        Assert.All(DiagRouterFixture.ApiKeys, key => Assert.DoesNotContain(key, table.Stdout + json.ToJsonString()));
    }

    [Fact]
    public async Task Leave_and_down_say_why_they_are_refused()
    {
        var self = await fixture.SelfAsync();
        var bad = await Diag("cluster", "down", "router@nowhere");
        Assert.True(bad.ExitCode == 1, bad.ToString());
        Assert.Contains("not a node address", bad.Stderr);
        var unknown = await Diag("cluster", "leave", "akka.tcp://router@127.0.0.9:4053");
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Contains("not a member", unknown.Stderr);
        var last = await Diag("cluster", "leave", self);
        Assert.True(last.ExitCode == 1, last.ToString());
        Assert.Contains("only member", last.Stderr);
        Assert.Contains("router stop", last.Stderr);
    }

    [Fact]
    public async Task Without_the_right_key_it_exits_4_and_says_where_the_key_comes_from()
    {
        foreach (var key in new string?[] { null, "wrong-key" })
        {
            var run = await DiagCli.RunAsync(key, "cluster", "show", "--url", fixture.Router.BaseUrl);
            Assert.True(run.ExitCode == 4, run.ToString());
            Assert.Contains("ROUTER_MANAGEMENT_KEY", run.Stderr);
            Assert.Empty(run.Stdout);
        }
    }

    [Fact]
    public async Task An_unreachable_node_exits_3_and_a_bad_url_exits_2()
    {
        var port = Fakes.TestConfig.FreePort();
        var unreachable = await DiagCli.RunAsync(Key, "cluster", "show", "--url", $"http://127.0.0.1:{port}");
        Assert.True(unreachable.ExitCode == 3, unreachable.ToString());
        Assert.Contains("Nothing answers", unreachable.Stderr);
        var badUrl = await DiagCli.RunAsync(Key, "cluster", "show", "--url", "router-1:8317");
        Assert.True(badUrl.ExitCode == 2, badUrl.ToString());
    }

    [Fact]
    public async Task With_config_it_finds_the_node_and_its_key_like_status()
    {
        var dir = Directory.CreateTempSubdirectory("router-diag-").FullName;
        try
        {
            var port = new Uri(fixture.Router.BaseUrl).Port;
            var config = Path.Combine(dir, "config.unified.yaml");
            File.WriteAllText(config, $$"""
                server: { host: 127.0.0.1, port: {{port}}, management_key: "{{Key}}" }
                auth: { dir: ./auth }
                providers:
                  echo: { type: echo }
                models:
                  routing:
                    - { pattern: "^echo-", providers: [echo] }
                """);
            var run = await DiagCli.RunAsync(null, "cluster", "show", "--json", "--config", config);
            Assert.Equal(await fixture.SelfAsync(), Json(run)["self"]!.GetValue<string>());
            var missing = await DiagCli.RunAsync(null, "cluster", "show", "--config", Path.Combine(dir, "absent.yaml"));
            Assert.True(missing.ExitCode == 2, missing.ToString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
