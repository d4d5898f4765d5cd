using System.Text;

namespace Bench;

/// <summary>The "Open loop, beside the floor" section of latest.md and its rows of the Targets table.</summary>
static class OpenLoopReport
{
    private static string F(double? v, string fmt = "0.00") => Report.F(v, fmt);
    private static string Plus(double? v) => Report.Plus(v);

    private static OpenLoopFigures? Get(OpenLoopSection s, string target, string mode) =>
        s.Figures.FirstOrDefault(f => f.Target == target && f.Mode == mode && f.Requests > 0);

    public static string RunLine(OpenLoopSection s) =>
        $"- open-loop run ({s.Rounds} rounds of {s.DurationS:0.#} s at {s.Rate:0}/s per target and mode): {s.When}, `{s.Command}`, router: {s.RouterSource}; load average before {s.LoadAvgBefore}, after {s.LoadAvgAfter}";

    /// <summary>The open-loop targets judged on the dedicated run, each beside what the byte relay and YARP add in it:
    /// a target below the relay's figure is below what any proxy on its own core can do on this machine.</summary>
    public static IEnumerable<(string Goal, string Measured, string Status)> Goals(OpenLoopSection? s)
    {
        if (s is null) yield break;
        var relayJson = Get(s, "tcp-relay", "json");
        var relayStream = Get(s, "tcp-relay", "stream");
        var yarpJson = Get(s, "yarp", "json");
        var yarpStream = Get(s, "yarp", "stream");
        foreach (var (key, what) in new[] { ("router-openai", "openai→openai"), ("router-anthropic", "openai→anthropic") })
        {
            var goal = $"router {what}, JSON, open loop {s.Rate:0}/s ({s.Rounds} rounds, median): added p50 ≤ 0.3 ms, added p99 ≤ 2 ms vs direct";
            if (Get(s, key, "json") is not { AddedP50: { } a50, AddedP99: { } a99 })
                yield return (goal, "–", "not measured");
            else
                yield return (goal,
                    $"{Plus(a50)} ms / {Plus(a99)} ms; beside it YARP {Plus(yarpJson?.AddedP50)} / {Plus(yarpJson?.AddedP99)} ms, a TCP byte relay {Plus(relayJson?.AddedP50)} / {Plus(relayJson?.AddedP99)} ms",
                    Status(a50 <= 0.3 && a99 <= 2, a50 <= 0.3 ? " (p99)" : a99 <= 2 ? " (p50)" : " (p50 and p99)", relayJson?.AddedP50 > 0.3, "p50"));
            var first = $"router {what}, stream, open loop {s.Rate:0}/s ({s.Rounds} rounds, median): first token added p50 ≤ 0.5 ms vs direct";
            if (Get(s, key, "stream") is not { AddedTtftP50: { } f50 })
                yield return (first, "–", "not measured");
            else
                yield return (first, $"{Plus(f50)} ms; beside it YARP {Plus(yarpStream?.AddedTtftP50)} ms, a TCP byte relay {Plus(relayStream?.AddedTtftP50)} ms",
                    Status(f50 <= 0.5, "", relayStream?.AddedTtftP50 > 0.5, "first-token p50"));
        }
    }

    private static string Status(bool met, string which, bool belowFloor, string floorFigure) =>
        met ? "**met**" : "**missed**" + which + (belowFloor ? $"; the target's {floorFigure} is below this machine's floor: the byte relay misses it too" : "");

    public static void Append(StringBuilder sb, OpenLoopSection? s)
    {
        if (s is null) return;
        var label = s.Targets.ToDictionary(t => t[0], t => t[1]);
        sb.AppendLine($"## Open loop, beside the floor (`--open-loop`, {s.When})").AppendLine();
        sb.AppendLine($"{s.Rate:0} requests/s over 64 connections, {s.Rounds} rounds of {s.DurationS:0.#} s per target and mode, in alternating order; " +
                      "every figure is the median of the rounds, and a round's added latency is against the direct run of the same round. " +
                      "The TCP byte relay copies bytes with two blocking threads per connection and no HTTP: what it adds is what two " +
                      "loopback hops and a wake-up of an idle core cost here, under any proxy. Wake-ups = the proxy's threads that went " +
                      "to sleep and were woken again, per request; CPU per request includes the thread pool's spinning after each wake-up.").AppendLine();
        sb.AppendLine("| target | mode | p50 | added p50 (each round) | p99 | added p99 | first token added p50 | wake-ups / request | CPU µs / request | errors |");
        sb.AppendLine("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var f in s.Figures)
            sb.AppendLine($"| {label.GetValueOrDefault(f.Target, f.Target)} | {f.Mode} | {F(f.P50)} | {(f.Target == "direct" ? "–" : $"{Plus(f.AddedP50)} ({f.PerRound})")} | {F(f.P99)} | {Plus(f.AddedP99)} | " +
                          $"{Plus(f.AddedTtftP50)} | {F(f.WakeUpsPerRequest, "0.0")} | {F(f.CpuUsPerRequest, "0")} | {f.Errors} |");
        sb.AppendLine();
        var threads = s.Figures.Where(f => f.WakeUpsByThread is { Count: > 0 }).ToList();
        if (threads.Count > 0)
        {
            sb.AppendLine("Wake-ups per request by thread name (mean of the rounds):").AppendLine();
            foreach (var f in threads)
                sb.AppendLine($"- {label.GetValueOrDefault(f.Target, f.Target)}, {f.Mode}: " + string.Join(", ", f.WakeUpsByThread!.Select(x => $"`{x.Key}` {F(x.Value)}")));
            sb.AppendLine();
        }
        foreach (var p in s.Problems) sb.AppendLine($"- {p.ReplaceLineEndings(" ")}");
        if (s.Problems.Count > 0) sb.AppendLine();
    }
}
