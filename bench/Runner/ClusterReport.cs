using System.Text;

namespace Bench;

/// <summary>The "Three nodes" section of latest.md and its rows of the Targets table.</summary>
static class ClusterReport
{
    private static string F(double? v, string fmt = "0.00") => Report.F(v, fmt);
    private static string Met(bool ok) => ok ? "**met**" : "**missed**";

    private static ClusterMeasure? Get(ClusterSection c, string key) => c.Runs.FirstOrDefault(r => r.Key == key && r.Run.Ok > 0);

    public static string RunLine(ClusterSection c) => $"- cluster run (three nodes): {c.When}, `{c.Command}`, router: {c.RouterSource}; load average before {c.LoadAvgBefore}, after {c.LoadAvgAfter}";

    public static IEnumerable<(string Goal, string Measured, string Status)> Goals(ClusterSection? c)
    {
        if (c is null)
        {
            yield return ("three nodes: throughput with the load spread over the nodes ≥ 0.9× one router alone (JSON, closed 64)", "–", "not measured (run with --cluster)");
            yield break;
        }
        foreach (var (mode, what) in new[] { ("json", "JSON"), ("stream", "stream") })
        {
            var spread = Get(c, $"spread-{mode}-c64");
            var single = Get(c, $"single-{mode}-c64");
            var goal = $"three nodes sharing the router's one core: throughput with the load spread over the nodes ≥ 0.9× one router alone on SQLite ({what}, closed 64)";
            yield return spread is null || single is null ? (goal, "–", "not measured")
                : (goal, $"{spread.Run.Rps:0} vs {single.Run.Rps:0} req/s = {spread.Run.Rps / single.Run.Rps:0.00}×; CPU {F(spread.CpuMsPerRequest, "0.000")} vs {F(single.CpuMsPerRequest, "0.000")} ms/request",
                    Met(spread.Run.Rps >= 0.9 * single.Run.Rps));
            // On a shared core the kernel may give three processes more CPU than one: CPU time per request is the fair figure.
            var cpuGoal = $"three nodes: router CPU time per request ≤ 1.1× one router alone ({what}, closed 64, load spread)";
            yield return spread?.CpuMsPerRequest is not { } a || single?.CpuMsPerRequest is not { } b ? (cpuGoal, "–", "not measured")
                : (cpuGoal, $"{a:0.000} vs {b:0.000} ms = {a / b:0.00}×", Met(a <= 1.1 * b));
        }
        var local = Get(c, "slot-local-json-c1");
        var remote = Get(c, "slot-remote-json-c1");
        const string leaseGoal = "three nodes: a lease that crosses nodes (slot-limited account, JSON, closed 1) adds < 1 ms p50 vs on the account's own node";
        yield return local is null || remote is null ? (leaseGoal, "–", "not measured")
            : (leaseGoal, $"+{remote.Run.P50 - local.Run.P50:0.00} ms p50 ({F(remote.Run.P50)} vs {F(local.Run.P50)} ms)", Met(remote.Run.P50 - local.Run.P50 < 1));
        foreach (var p in c.Propagations)
        {
            var max = p.SeenMs.Values.Select(v => v[1]).DefaultIfEmpty(double.NaN).Max();
            var goal = $"three nodes: an account {p.Change.Split(' ')[0]} made through one node is seen by every node within 100 ms";
            yield return (goal, $"p50 {F(p.SeenMs.Values.Select(v => v[0]).DefaultIfEmpty(double.NaN).Max(), "0.0")} ms, max {F(max, "0.0")} ms (slowest node, {p.Rounds} rounds)" +
                                (p.Missed > 0 ? $"; {p.Missed} never seen" : ""), Met(p.Missed == 0 && max < 100));
        }
        var churn = Get(c, "spread-json-c64-churn");
        var calm = Get(c, "spread-json-c64");
        const string churnGoal = "three nodes: the hot path does not pay for published account state (spread, JSON, closed 64, 10 changes/s): throughput ≥ 0.95× without";
        yield return churn is null || calm is null ? (churnGoal, "–", "not measured")
            : (churnGoal, $"{churn.Run.Rps:0} vs {calm.Run.Rps:0} req/s = {churn.Run.Rps / calm.Run.Rps:0.00}×", Met(churn.Run.Rps >= 0.95 * calm.Run.Rps));
    }

    public static void Append(StringBuilder sb, ClusterSection? c)
    {
        if (c is null) return;
        sb.AppendLine("## Three nodes (cluster)").AppendLine();
        sb.AppendLine($"Three router processes on 127.0.0.1 (`cluster.enabled`, every node a seed, persistence and the cluster lease on a private PostgreSQL, `cluster.secret` set) " +
                      $"and, to compare, one router alone on SQLite. {(c.Pinned ? "Every router is pinned to CPU 1, so the three nodes share the one core the router alone has; client, fake upstream and PostgreSQL on CPU 0." : "No CPU pinning.")} " +
                      $"Each run {c.WarmupS:0.#} s warm-up + {c.DurationS:0.#} s measured; the fake answers {c.Chunks} tokens. " +
                      $"The cluster was Up on every node {F(c.FormedMs / 1000, "0.0")} s after the first node started. " +
                      $"Account entities: {string.Join(", ", c.AccountHosts.Select(h => $"{h.Key} on {h.Value}"))}.").AppendLine();
        sb.AppendLine("Router CPU = utime + stime from `/proc/PID/stat` over the run (warm-up included), in % of one core per process; CPU ms/request = all routers' CPU time ÷ the requests answered in that time.").AppendLine();
        sb.AppendLine("| run | load | ok req/s | p50 | p99 | errors | router CPU (% of one core) | CPU ms / request |").AppendLine("| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |");
        foreach (var m in c.Runs)
        {
            var r = m.Run;
            sb.AppendLine($"| {m.Label} | {r.Mode} closed {r.Concurrency} | {F(r.Rps, "0")} | {F(r.P50)} | {F(r.P99)} | {r.Errors} | " +
                          $"{string.Join(", ", m.CpuPct.Select(x => $"{x.Key} {x.Value:0}"))} | {F(m.CpuMsPerRequest, "0.000")} |");
        }
        sb.AppendLine();
        sb.AppendLine("| process | start-up (to first 200) ms | idle CPU (% of one core, 5 s without requests) | idle RSS MB | VmHWM MB |").AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, p) in c.Procs)
            sb.AppendLine($"| {name} | {F(p.StartupMs, "0")} | {F(c.IdleCpuPct.TryGetValue(name, out var idle) ? idle : null, "0.0")} | {F(p.IdleRssMb, "0.0")} | {F(p.PeakRssMb, "0.0")} |");
        sb.AppendLine();
        if (c.Propagations.Count > 0)
        {
            var names = c.Propagations[0].SeenMs.Keys.ToList();
            sb.AppendLine("Account state across nodes: ms from the request (the call whose upstream answers 429, or the reset) being sent until each node's own view " +
                          "(`/v0/management/status`, its provider actor, fed by the cluster-wide topic) shows the change; median / max of the rounds.").AppendLine();
            sb.AppendLine($"| change | made through | account entity on | {string.Join(" | ", names)} |").AppendLine($"| --- | --- | --- |{string.Concat(names.Select(_ => " ---: |"))}");
            foreach (var p in c.Propagations)
                sb.AppendLine($"| {p.Change}{(p.AnswerMs is { } a ? $" (its request answered after {a:0.0} ms)" : "")} | {p.Via} | {p.Host} | " +
                              string.Join(" | ", names.Select(n => p.SeenMs.TryGetValue(n, out var v) ? $"{F(v[0], "0.0")} / {F(v[1], "0.0")}" : "–")) + " |");
            sb.AppendLine();
        }
        foreach (var n in c.Notes) sb.AppendLine($"- {n.ReplaceLineEndings(" ")}");
        if (c.Notes.Count > 0) sb.AppendLine();
    }
}
