using System.Diagnostics;
using System.Net;
using Xunit;
using Xunit.Abstractions;

namespace Router.Tests.Cluster;

/// <summary>
/// Nodes die (SIGKILL), are cut off (the veth goes down) or leave (SIGTERM) under load: the split
/// brain resolver downs the dead or the minority, the survivors serve, and the figures (time to down,
/// time until the dead node's accounts answer again, failed requests) are printed.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ClusterFailureTests(ClusterEnvironment env, ITestOutputHelper output)
{
    private const string Model = "gpt-4o";

    [Fact]
    public async Task A_killed_first_seed_restarted_rejoins_the_same_cluster()
    {
        await using var upstream = await ClusterFakes.OpenAiAsync(env);
        await using var cluster = await RouterCluster.CreateAsync(env, output, 3, ClusterFakes.OpenAiProvider(upstream, 3), ClusterFakes.GptRoute);
        await cluster.StartAllAsync();
        var (first, rest) = (cluster.Nodes[0], cluster.Nodes.Skip(1).ToList());

        first.Kill();
        await cluster.WaitConvergedAsync(rest, TimeSpan.FromSeconds(60));
        first.Start();
        await cluster.WaitConvergedAsync(cluster.Nodes, TimeSpan.FromSeconds(90));

        // One cluster: the restarted first seed sees the same leader as the others and serves.
        var leaders = new HashSet<string?>();
        foreach (var node in cluster.Nodes)
            leaders.Add((await node.HealthAsync()).Body!["cluster"]!["leader"]?.GetValue<string>());
        Assert.Single(leaders);
        foreach (var node in cluster.Nodes)
            await cluster.AssertServesAsync(node, Model);
        foreach (var node in cluster.Nodes)
        {
            Assert.DoesNotContain("23505", node.Output);
            Assert.DoesNotContain("forming new cluster", node.Output.Split($"---- {node.Name} killed ----").Last());
        }
    }

    [Fact]
    public async Task With_two_nodes_killing_either_leaves_the_other_serving()
    {
        await using var upstream = await ClusterFakes.OpenAiAsync(env);
        await using var cluster = await RouterCluster.CreateAsync(env, output, 2, ClusterFakes.OpenAiProvider(upstream, 2), ClusterFakes.GptRoute);
        await cluster.StartAllAsync();
        foreach (var (victim, survivor) in new[] { (cluster.Nodes[1], cluster.Nodes[0]), (cluster.Nodes[0], cluster.Nodes[1]) })
        {
            var watch = Stopwatch.StartNew();
            victim.Kill();
            await cluster.WaitConvergedAsync([survivor], TimeSpan.FromSeconds(60));
            var downed = watch.Elapsed;
            await cluster.WaitAsync(async () => (await ClusterLoad.SendAsync(survivor, Model)).Status == HttpStatusCode.OK
                                             && (await ClusterLoad.SendAsync(survivor, Model)).Status == HttpStatusCode.OK,
                $"{survivor.Name} serving both accounts alone", TimeSpan.FromSeconds(60));
            cluster.Say($"{victim.Name} killed: {survivor.Name} alone after {downed.TotalSeconds:0.0} s, serving after {watch.Elapsed.TotalSeconds:0.0} s");
            Assert.True(survivor.Running, $"{survivor.Name} survived");
            victim.Start();
            await cluster.WaitConvergedAsync(cluster.Nodes, TimeSpan.FromSeconds(90));
        }
    }

    [Fact]
    public async Task A_node_killed_under_load_is_downed_and_its_accounts_serve_on_the_survivors()
    {
        await using var upstream = await ClusterFakes.OpenAiAsync(env);
        await using var cluster = await RouterCluster.CreateAsync(env, output, 3, ClusterFakes.OpenAiProvider(upstream, 6), ClusterFakes.GptRoute);
        await cluster.StartAllAsync();
        var victim = cluster.Nodes[2];
        var survivors = cluster.Nodes.Take(2).ToList();
        TimeSpan killedAt;
        await using (var load = new ClusterLoad(cluster.Nodes, n => n.Running, Model))
        {
            await cluster.WaitAsync(() => Task.FromResult(load.Answers.Count(a => a.Status == HttpStatusCode.OK) > 30), "load flowing", TimeSpan.FromSeconds(60));
            killedAt = load.Now;
            var callsAtKill = CallsPerKey(upstream);
            victim.Kill();
            await cluster.WaitConvergedAsync(survivors, TimeSpan.FromSeconds(60));
            var downedAfter = load.Now - killedAt;
            // Every account answers on the survivors again: a run of successes on every survivor after the removal.
            var removedAt = load.Now;
            await cluster.WaitAsync(() => Task.FromResult(survivors.All(s => load.Answers.Count(a => a.Node == s.Name && a.At > removedAt && a.Status == HttpStatusCode.OK) >= 12)),
                "survivors serving", TimeSpan.FromSeconds(60));
            // Re-homed: every account (the killed node's included) has called upstream again since the kill.
            await cluster.WaitAsync(() => Task.FromResult(CallsPerKey(upstream).All(k => k.Value > callsAtKill.GetValueOrDefault(k.Key)) && CallsPerKey(upstream).Count == 6),
                "every account calling upstream again", TimeSpan.FromSeconds(60));
            var rehomedAfter = load.Now - killedAt;
            var failed = load.Failed(a => a.At > killedAt && a.Node != victim.Name);
            var lastFailure = failed.Count == 0 ? TimeSpan.Zero : failed.Max(a => a.At) - killedAt;
            cluster.Say($"SIGKILL of {victim.Name} under load: downed and removed after {downedAfter.TotalSeconds:0.0} s; " +
                        $"{failed.Count} of {load.Answers.Count(a => a.At > killedAt && a.Node != victim.Name)} requests to the survivors failed after the kill; " +
                        $"last failure {lastFailure.TotalSeconds:0.0} s after the kill; every account served again {rehomedAfter.TotalSeconds:0.0} s after the kill");
            foreach (var f in failed.Take(5)) cluster.Say($"  failed on {f.Node} at +{(f.At - killedAt).TotalSeconds:0.0} s: {f.Status} {f.Detail}");
            Assert.True(downedAfter < TimeSpan.FromSeconds(20), $"downed after {downedAfter.TotalSeconds:0.0} s");
            Assert.True(lastFailure < TimeSpan.FromSeconds(20), $"requests still failed {lastFailure.TotalSeconds:0.0} s after the kill");
        }
    }

    private static Dictionary<string, int> CallsPerKey(Fakes.FakeUpstream upstream) =>
        upstream.Requests.GroupBy(r => r.Headers.GetValueOrDefault("authorization", "")).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public async Task A_partition_leaves_the_majority_serving_the_minority_downs_itself_and_the_healed_node_rejoins()
    {
        await using var upstream = await ClusterFakes.OpenAiAsync(env);
        await using var cluster = await RouterCluster.CreateAsync(env, output, 3, ClusterFakes.OpenAiProvider(upstream, 3), ClusterFakes.GptRoute);
        if (!cluster.Network.Isolated)
        {
            output.WriteLine("partition test skipped: " + cluster.Network.Fallback);
            return;
        }
        await cluster.StartAllAsync();
        var minority = cluster.Nodes[0]; // the first seed and likely the leader: the hardest side to lose
        var majority = cluster.Nodes.Skip(1).ToList();

        var watch = Stopwatch.StartNew();
        await cluster.Network.CutAsync(minority.Net);
        await cluster.WaitConvergedAsync(majority, TimeSpan.FromSeconds(60));
        cluster.Say($"partition: majority sees the minority removed after {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(await minority.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the minority node downed itself and exited");
        cluster.Say($"partition: minority exited (code {minority.ExitCode}) after {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.NotEqual(0, minority.ExitCode);
        Assert.Contains("was removed from the cluster", minority.Output);
        foreach (var node in majority)
            await cluster.AssertServesAsync(node, Model);

        await cluster.Network.RestoreAsync(minority.Net);
        minority.Start();
        await cluster.WaitConvergedAsync(cluster.Nodes, TimeSpan.FromSeconds(90));
        cluster.Say($"healed: all three Up again after {watch.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task A_node_stopped_gracefully_under_load_leaves_within_seconds_and_no_request_fails()
    {
        await using var upstream = await ClusterFakes.OpenAiAsync(env);
        // "gpt-slow" answers after 2 s: requests to the leaving node are surely in flight when it gets SIGTERM.
        var quick = upstream.DefaultReply;
        upstream.DefaultReply = async (context, body) =>
        {
            if (body?["model"]?.GetValue<string>() == "gpt-slow") await Task.Delay(2000);
            await quick(context, body);
        };
        await using var cluster = await RouterCluster.CreateAsync(env, output, 3, ClusterFakes.OpenAiProvider(upstream, 6), ClusterFakes.GptRoute);
        await cluster.StartAllAsync();
        var leaving = cluster.Nodes[2];
        var stayers = cluster.Nodes.Take(2).ToList();
        await using (var load = new ClusterLoad(stayers, _ => true, Model))
        {
            await cluster.WaitAsync(() => Task.FromResult(load.Answers.Count(a => a.Status == HttpStatusCode.OK) > 30), "load flowing", TimeSpan.FromSeconds(60));
            var inFlight = Enumerable.Range(0, 4).Select(_ => ClusterLoad.SendAsync(leaving, "gpt-slow")).ToList();
            await cluster.WaitAsync(() => Task.FromResult(upstream.Requests.Count(r => r.Body?["model"]?.GetValue<string>() == "gpt-slow") >= 4),
                "the slow requests upstream", TimeSpan.FromSeconds(30));
            var stopAt = load.Now;
            var took = await leaving.StopAsync(TimeSpan.FromSeconds(30));
            cluster.Say($"graceful stop of {leaving.Name}: exited (code {leaving.ExitCode}) after {took.TotalSeconds:0.0} s");
            await cluster.WaitConvergedAsync(stayers, TimeSpan.FromSeconds(30));
            var afterStop = load.Now;
            await cluster.WaitAsync(() => Task.FromResult(load.Answers.Count(a => a.At > afterStop) > 30), "load after the leave", TimeSpan.FromSeconds(60));
            var leavingAnswers = await Task.WhenAll(inFlight);
            var failed = load.Failed(a => a.At > stopAt);
            cluster.Say($"graceful stop under load: {failed.Count} of {load.Answers.Count(a => a.At > stopAt)} requests failed, " +
                        $"{leavingAnswers.Count(a => a.Status == HttpStatusCode.OK)} of {leavingAnswers.Length} in flight on the leaving node answered");
            foreach (var f in failed.Take(5)) cluster.Say($"  failed on {f.Node} at +{(f.At - stopAt).TotalSeconds:0.0} s: {f.Status} {f.Detail}");
            foreach (var line in leaving.Output.Split('\n').Where(l => l.Contains("Left the cluster") || l.Contains("GracefulDrain") || l.Contains("timed out")))
                cluster.Say("  " + line.TrimEnd());
            Assert.Empty(failed);
            Assert.All(leavingAnswers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
            Assert.Equal(0, leaving.ExitCode);
            // A few seconds on a quiet machine; the bound leaves room for a loaded 2-core CI runner.
            Assert.True(took < TimeSpan.FromSeconds(20), $"the leave took {took.TotalSeconds:0.0} s");
            Assert.DoesNotContain("cluster-exiting timed out", leaving.Output);
        }
    }
}
