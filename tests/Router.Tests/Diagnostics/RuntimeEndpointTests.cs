using System.Text.Json.Nodes;

namespace Router.Tests.Diagnostics;

/// <summary>GET /v0/management/runtime: the figures bench/ reads for the start-up and idle breakdown.</summary>
public sealed class RuntimeEndpointTests(DiagRouterFixture fixture) : IClassFixture<DiagRouterFixture>
{
    [Fact]
    public async Task Start_up_milestones_come_in_order_and_end_when_the_router_listens()
    {
        var runtime = await fixture.GetAsync("/v0/management/runtime");
        var startup = runtime["startup_ms"]!.AsObject();
        string[] order = ["host_build", "host_built", "actor_system_started", "cluster_joined", "listening"];
        var times = order.Select(phase => startup[phase]?.GetValue<double>() ?? throw new Xunit.Sdk.XunitException($"no {phase} milestone in {startup}")).ToList();
        Assert.All(times, t => Assert.True(t > 0, $"milestones are ms since the process started: {startup}"));
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public async Task Gc_jit_assemblies_and_threads_describe_this_process()
    {
        var runtime = await fixture.GetAsync("/v0/management/runtime");
        var gc = runtime["gc"]!;
        Assert.True(gc["committed_bytes"]!.GetValue<long>() > 0);
        Assert.True(gc["heap_bytes"]!.GetValue<long>() > 0);
        Assert.Equal(["gen0", "gen1", "gen2", "loh", "poh"], gc["generations_after_last_gc"]!.AsObject().Select(g => g.Key));
        Assert.Equal(3, gc["collections"]!.AsArray().Count);
        Assert.True(gc["pause_ms"]!.GetValue<double>() >= 0);
        Assert.True(runtime["jit"]!["methods"]!.GetValue<long>() > 0);
        var assemblies = runtime["assemblies"]!;
        var names = assemblies["names"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(assemblies["count"]!.GetValue<int>(), names.Count);
        Assert.Contains("Akka.Cluster.Sharding", names);
        Assert.Contains("router", names);
        Assert.True(runtime["threads"]!["process"]!.GetValue<int>() >= runtime["threads"]!["thread_pool"]!.GetValue<int>());
    }
}
