using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Router.Actors.Accounts;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using Router.Tests.SignIn;
using Xunit.Abstractions;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.ClusterState;

/// <summary>
/// Account state across a three-node cluster (in process): a cooldown reaches every node within a
/// second, sign-ins and sessions are usable from any node, a token is renewed once per expiry
/// whichever nodes serve it, and an account's slots and home survive the death of a node.
/// </summary>
[Collection(ClusterNodesCollection.Name)]
public sealed class ClusterStateTests(ITestOutputHelper output)
{
    private static async Task<HttpStatusCode> ChatAsync(RouterUnderTest node, string model)
    {
        using var response = await node.Http.PostAsync("/v1/chat/completions", Integration.Json.Body(model));
        return response.StatusCode;
    }

    private static string KeyOf(RecordedRequest r) => r.Headers.GetValueOrDefault("authorization", "").Replace("Bearer ", "");

    [Fact]
    public async Task A_429_on_one_node_stops_every_node_from_using_the_key_within_a_second()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var limited = 0;
        var limitedAt = new ConcurrentQueue<long>();
        upstream.DefaultReply = (c, body) =>
        {
            if (c.Request.Headers.Authorization.ToString() == "Bearer k-one" && Volatile.Read(ref limited) == 1)
            {
                limitedAt.Enqueue(Stopwatch.GetTimestamp());
                return WireReplies.Json(429, """{"error":{"message":"slow down","type":"rate_limit"}}""", new Dictionary<string, string> { ["retry-after"] = "60" })(c, body);
            }
            return OpenAiWire.Text("hi")(c, body);
        };
        var config = Build([OpenAiProvider("p", upstream, "k-one", "k-two")], [Route("^m", "p")]);
        await using var cluster = await RouterCluster.StartAsync(config);
        foreach (var node in cluster.Nodes)
            for (var i = 0; i < 4; i++)
                Assert.Equal(HttpStatusCode.OK, await ChatAsync(node, "m-1"));

        Volatile.Write(ref limited, 1);
        await RouterUnderTest.EventuallyAsync(async () => await ChatAsync(cluster.Nodes[0], "m-1") == HttpStatusCode.OK && !limitedAt.IsEmpty,
            "node A's call on k-one answered 429", 10_000);
        limitedAt.TryPeek(out var first);
        var spread = new List<double>();
        foreach (var node in cluster.Nodes.Skip(1))
        {
            await RouterUnderTest.EventuallyAsync(async () =>
                (await RouterCluster.ViewAsync(node, "p")).Accounts.Any(a => a.CooldownUntil > DateTimeOffset.UtcNow), "the cooldown reached the node", 5_000);
            spread.Add(Stopwatch.GetElapsedTime(first).TotalMilliseconds);
        }
        output.WriteLine($"429 on node A reached B and C after {string.Join(" / ", spread.Select(ms => $"{ms:0} ms"))} (upstream 429 to view updated)");
        Assert.All(spread, ms => Assert.True(ms < 1000, $"the cooldown took {ms:0} ms to reach a node"));

        var callsOnLimited = upstream.Requests.Count(r => KeyOf(r) == "k-one");
        foreach (var node in cluster.Nodes.Skip(1))
            for (var i = 0; i < 10; i++)
                Assert.Equal(HttpStatusCode.OK, await ChatAsync(node, "m-1"));
        Assert.Equal(callsOnLimited, upstream.Requests.Count(r => KeyOf(r) == "k-one"));
        Assert.Single(limitedAt);
    }

    [Fact]
    public async Task A_ctonew_session_posted_on_one_node_is_used_by_another()
    {
        await using var clerk = await FakeClerk.StartAsync();
        await using var engineLabs = await FakeUpstream.StartAsync();
        engineLabs.DefaultReply = OpenAiWire.Text("Hi from gpt");
        var config = Build([clerk.CtoNewProvider(engineLabs)], [Route("^ctonew-", "ctonew")]);
        await using var cluster = await RouterCluster.StartAsync(config);

        var posted = await cluster.Nodes[0].Http.PostAsync("/v1/auth/ctonew", Integration.Json.Raw(new JsonObject { ["clerk_jwt_cookie"] = clerk.Cookie }.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var took = await RouterCluster.TimeUntilAsync(async () => await ChatAsync(cluster.Nodes[1], "ctonew-gpt-5") == HttpStatusCode.OK, "node B serves the session", 1_000);
        output.WriteLine($"ctonew session posted on A served by B after {took.TotalMilliseconds:0} ms");
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(cluster.Nodes[2], "ctonew-gpt-5"));
        Assert.DoesNotContain(clerk.Cookie, cluster.Log.All);
    }

    private static async Task<(FakeOAuthServer OAuth, FakeUpstream Claude, RouterConfig Config)> ClaudeAsync(int maxInFlight = 0)
    {
        var oauth = await FakeOAuthServer.StartAsync();
        var claude = await FakeUpstream.StartAsync();
        claude.Authorize = c => oauth.IsValid(c.Request.Headers.Authorization.ToString().Replace("Bearer ", ""));
        claude.Unauthorized = AnthropicWire.InvalidKey;
        claude.DefaultReply = AnthropicWire.Text("hello from claude");
        // The redirect URI is the callback of whichever node; the test delivers it to the node it chooses.
        var callback = $"http://127.0.0.1:{FreePort()}/v1/auth/llmux/claude/callback";
        var config = Build(
            [new ProviderConfig
            {
                Name = "claude-pro", Type = "claude-oauth", BaseUrl = claude.BaseUrl, Timeout = 10, MaxInFlight = maxInFlight,
                OAuth = oauth.Config(callback, tokenFormat: "json"),
            }],
            [Route("^claude-", "claude-pro")]);
        return (oauth, claude, config);
    }

    /// <summary>Login on one node, the vendor's redirect delivered to another node's callback.</summary>
    private static async Task<HttpResponseMessage> SignInAcrossAsync(RouterUnderTest loginNode, RouterUnderTest callbackNode)
    {
        var login = await loginNode.Http.GetFromJsonAsync<JsonObject>("/v1/auth/llmux/claude/login");
        var redirect = await LlmuxHarness.Browser.GetAsync(login!["url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var location = redirect.Headers.Location!;
        return await LlmuxHarness.Browser.GetAsync(callbackNode.BaseUrl + location.PathAndQuery);
    }

    [Fact]
    public async Task A_sign_in_started_on_one_node_completes_on_another_once()
    {
        var (oauth, claude, config) = await ClaudeAsync();
        await using var _ = oauth;
        await using var __ = claude;
        await using var cluster = await RouterCluster.StartAsync(config);

        var login = await cluster.Nodes[0].Http.GetFromJsonAsync<JsonObject>("/v1/auth/llmux/claude/login");
        var redirect = await LlmuxHarness.Browser.GetAsync(login!["url"]!.GetValue<string>());
        var path = redirect.Headers.Location!.PathAndQuery;
        var callback = await LlmuxHarness.Browser.GetAsync(cluster.Nodes[2].BaseUrl + path);
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        Assert.Contains("signed_in", await callback.Content.ReadAsStringAsync());

        var again = await LlmuxHarness.Browser.GetAsync(cluster.Nodes[1].BaseUrl + path);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        await RouterUnderTest.EventuallyAsync(async () => await ChatAsync(cluster.Nodes[1], "claude-sonnet") == HttpStatusCode.OK, "node B serves the new account", 2_000);
        foreach (var secret in oauth.Issued)
            Assert.DoesNotContain(secret, cluster.Log.All);
    }

    [Fact]
    public async Task Tokens_expiring_every_few_seconds_under_load_on_every_node_are_renewed_once_per_expiry()
    {
        var (oauth, claude, config) = await ClaudeAsync();
        await using var _ = oauth;
        await using var __ = claude;
        oauth.ExpiresIn = 4; // renewed at half its life: every 2 s
        await using var cluster = await RouterCluster.StartAsync(config);
        Assert.Equal(HttpStatusCode.OK, (await SignInAcrossAsync(cluster.Nodes[0], cluster.Nodes[1])).StatusCode);
        var before = oauth.RefreshCalls;

        var clock = Stopwatch.StartNew();
        var load = TimeSpan.FromSeconds(12);
        var failed = 0;
        var served = 0;
        await Task.WhenAll(cluster.Nodes.SelectMany(node => Enumerable.Range(0, 2).Select(async _ =>
        {
            while (clock.Elapsed < load)
            {
                if (await ChatAsync(node, "claude-sonnet") == HttpStatusCode.OK) Interlocked.Increment(ref served);
                else Interlocked.Increment(ref failed);
            }
        })));
        var refreshes = oauth.RefreshCalls - before;
        var renewalsDue = (int)(clock.Elapsed.TotalSeconds / 2);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s of load on 3 nodes: {served} served, {failed} failed; {refreshes} refreshes for {renewalsDue} renewals due (one per 2 s)");
        Assert.Equal(0, failed);
        Assert.InRange(refreshes, 1, renewalsDue + 1);
    }

    [Fact]
    public async Task The_slots_held_by_a_node_that_is_downed_are_free_within_ten_seconds()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var hang = 1;
        upstream.DefaultReply = (c, body) => Volatile.Read(ref hang) == 1 ? WireReplies.Hang(c, body) : OpenAiWire.Text("hi")(c, body);
        var provider = OpenAiProvider("slots", upstream, "k-slot") with { MaxInFlight = 2, Timeout = 60 };
        await using var cluster = await RouterCluster.StartAsync(Build([provider], [Route("^m", "slots")]));
        var entityId = (await RouterCluster.ViewAsync(cluster.Nodes[0], "slots")).Accounts.Single().EntityId;
        var host = await cluster.HostOfAsync(entityId);
        var requester = Enumerable.Range(1, 2).Reverse().First(i => i != host);
        output.WriteLine($"account on node {host}, requests from node {requester}");

        var held = Enumerable.Range(0, 2).Select(_ => ChatAsync(cluster.Nodes[requester], "m-1")).ToList();
        await RouterUnderTest.EventuallyAsync(async () => (await RouterCluster.AccountAsync(cluster.Nodes[host], entityId)).InFlight == 2, "both slots held", 10_000);

        cluster.Down(requester, from: host);
        var freed = await RouterCluster.TimeUntilAsync(async () => (await RouterCluster.AccountAsync(cluster.Nodes[host], entityId)).InFlight == 0, "the slots are free", 10_000);
        output.WriteLine($"slots of the downed requester node free after {freed.TotalMilliseconds:0} ms");
        Volatile.Write(ref hang, 0);
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(cluster.Nodes[host], "m-1"));
        await Task.WhenAll(held.Select(t => t.ContinueWith(_ => { })));
    }

    [Fact]
    public async Task An_account_whose_node_is_downed_answers_on_a_survivor_within_ten_seconds()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.DefaultReply = OpenAiWire.Text("hi");
        await using var cluster = await RouterCluster.StartAsync(Build([OpenAiProvider("one", upstream, "k-only") with { MaxInFlight = 4 }], [Route("^m", "one")]));
        var entityId = (await RouterCluster.ViewAsync(cluster.Nodes[0], "one")).Accounts.Single().EntityId;
        var host = await cluster.HostOfAsync(entityId);
        var survivor = host == 0 ? 1 : 0;
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(cluster.Nodes[survivor], "m-1"));

        var downedAt = Stopwatch.StartNew();
        cluster.Down(host, from: survivor);
        // Downing a live node in process: it shuts down, and the survivors remove it once their failure
        // detector marks it unreachable (a node that died is unreachable already when it is downed).
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(!Akka.Cluster.Cluster.Get(RouterCluster.SystemOf(cluster.Nodes[survivor])).State.Members
            .Any(m => m.Address.Equals(RouterCluster.AddressOf(cluster.Nodes[host])))), "the downed node is removed", 20_000);
        var removed = downedAt.Elapsed;
        // The provider's only account, with a slot limit: only the entity itself grants a lease.
        var took = await RouterCluster.TimeUntilAsync(async () => await ChatAsync(cluster.Nodes[survivor], "m-1") == HttpStatusCode.OK, "the account answers on a survivor", 15_000);
        output.WriteLine($"account of downed node {host} answered on node {survivor} {took.TotalMilliseconds:0} ms after the node was removed ({removed.TotalMilliseconds:0} ms after Down)");
        Assert.True(took < TimeSpan.FromSeconds(10), $"re-homing took {took.TotalSeconds:0.0} s");
        Assert.NotEqual(host, await cluster.HostOfAsync(entityId, gone: host));
    }
}
