using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bench;

static class Report
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    /// <summary>A figure for the tables ("–" when not measured); shared by every section's report.</summary>
    internal static string F(double? v, string fmt = "0.00") => v is null || double.IsNaN(v.Value) ? "–" : v.Value.ToString(fmt, Inv);
    /// <summary>An added figure with its sign ("+0.42").</summary>
    internal static string Plus(double? v) => v is null || double.IsNaN(v.Value) ? "–" : (v.Value >= 0 ? "+" : "") + v.Value.ToString("0.00", Inv);

    public static string Markdown(Results res)
    {
        var sb = new StringBuilder();
        var L = res.Load;
        sb.AppendLine("# Router benchmark — latest results").AppendLine();
        sb.AppendLine("Written by `bench/Runner` (see `bench/README.md` for what each column means). Loopback only; latencies in ms.").AppendLine();
        if (L is not null)
        {
            sb.AppendLine($"- load run: {L.When}, `{L.Command}`");
            sb.AppendLine($"- router: {L.RouterSource}");
            sb.AppendLine($"- machine: {L.Machine}");
            sb.AppendLine($"- {(L.Pinned ? "CPU pinning: load generator + fake upstream on CPU 0, the proxy under test on CPU 1" : "no CPU pinning")}; " +
                          $"each run {L.WarmupS:0.#} s warm-up + {L.DurationS:0.#} s measured; fake upstream answers {L.Chunks} tokens (stream: {L.Chunks} content chunks, no delay)");
            if (L.Runs.Any(r => r.Passes > 1))
                sb.AppendLine("- each figure is the mean of two passes: at each mode and load every target runs in turn, in order, then in reverse order");
            sb.AppendLine($"- load average (1/5/15 min) before the run: {L.LoadAvgBefore}, after: {L.LoadAvgAfter} (on a 2-core machine anything else running skews the figures)");
        }
        foreach (var S0 in res.Soaks) sb.AppendLine($"- soak run ({S0.Streams:N0} streams): {S0.When}, `{S0.Command}`, router: {S0.RouterSource}");
        if (res.Cluster is { } C0) sb.AppendLine(ClusterReport.RunLine(C0));
        if (res.OpenLoop is { } O0) sb.AppendLine(OpenLoopReport.RunLine(O0));
        if (res.Versus is { } V0) sb.AppendLine(VersusYarp.RunLine(V0));
        sb.AppendLine();

        sb.AppendLine("## Targets").AppendLine();
        sb.AppendLine("| goal | measured | status |").AppendLine("| --- | --- | --- |");
        foreach (var (goal, measured, status) in Goals(res).Concat(AccountTargets.Goals(L?.Accounts))) sb.AppendLine($"| {goal} | {measured} | {status} |");
        sb.AppendLine();
        if (L?.Runs.FirstOrDefault(r => r.Target == "router-openai" && r.Mode == "json" && r.Rate is not null) is { } op
            && L.Runs.FirstOrDefault(r => r.Target == "router-anthropic" && r.Mode == "json" && r.Rate is not null) is { } oa)
        {
            sb.AppendLine($"Closed loop at 64 and 512 keeps every proxy's one core busy, so its latency is mostly queueing (≈ clients ÷ throughput). " +
                          $"The per-request cost at a load the proxy can carry is in the open-loop rows ({op.Rate:0} req/s): " +
                          $"router openai→openai adds {Plus(op.AddedP50)} ms p50 / {Plus(op.AddedP99)} ms p99, openai→anthropic {Plus(oa.AddedP50)} / {Plus(oa.AddedP99)} ms (JSON).");
            sb.AppendLine();
        }

        if (L is not null)
        {
            var label = L.Targets.ToDictionary(t => t[0], t => t[1]);
            string Lbl(string k) => label.GetValueOrDefault(k, k);
            var loads = L.Runs.Select(r => r.Load).Distinct().ToList();

            sb.AppendLine("## Non-streaming (JSON answer)").AppendLine();
            sb.AppendLine("| load | target | ok req/s | p50 | p99 | added p50 | added p99 | errors |").AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var load in loads)
                foreach (var r in L.Runs.Where(r => r.Mode == "json" && r.Load == load))
                    sb.AppendLine($"| {LoadName(r)} | {Lbl(r.Target)} | {F(r.Rps, "0")} | {F(r.P50)} | {F(r.P99)} | {Plus(r.AddedP50)} | {Plus(r.AddedP99)} | {Err(r)} |");
            sb.AppendLine();

            sb.AppendLine($"## Streaming ({L.Chunks} content chunks)").AppendLine();
            sb.AppendLine("| load | target | ok streams/s | TTFT p50 | TTFT p99 | TTLT p50 | TTLT p99 | added TTFT p50 | added TTFT p99 | added TTLT p50 | added TTLT p99 | errors |")
              .AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var load in loads)
                foreach (var r in L.Runs.Where(r => r.Mode == "stream" && r.Load == load))
                    sb.AppendLine($"| {LoadName(r)} | {Lbl(r.Target)} | {F(r.Rps, "0")} | {F(r.TtftP50)} | {F(r.TtftP99)} | {F(r.P50)} | {F(r.P99)} | " +
                                  $"{Plus(r.AddedTtftP50)} | {Plus(r.AddedTtftP99)} | {Plus(r.AddedP50)} | {Plus(r.AddedP99)} | {Err(r)} |");
            sb.AppendLine();

            sb.Append(AccountTargets.Markdown(L.Accounts));

            sb.AppendLine("## Processes").AppendLine();
            sb.AppendLine("| process | start-up (to first 200) ms | idle RSS MB | peak RSS MB under load (200 ms samples) | VmHWM MB |").AppendLine("| --- | ---: | ---: | ---: | ---: |");
            foreach (var (name, p) in L.Procs)
                sb.AppendLine($"| {name} | {F(p.StartupMs, "0")} | {F(p.IdleRssMb, "0.0")} | {F(p.PeakRssMb, "0.0")} | {F(p.HwmMb, "0.0")} |");
            sb.AppendLine();
            if (L.NotRun.Count > 0)
            {
                sb.AppendLine("## Not run").AppendLine();
                foreach (var (k, why) in L.NotRun) sb.AppendLine($"- {Lbl(k)}: not run: {why}");
                sb.AppendLine();
            }
        }

        if (res.Idle is not null) Idle.Markdown(sb, res.Idle);

        foreach (var S in res.Soaks)
        {
            sb.AppendLine($"## Soak: {S.Streams:N0} concurrent slow streams through the router").AppendLine();
            sb.AppendLine($"Half openai→openai, half openai→anthropic; the fake sends {S.Chunks} chunks {S.DelayMs} ms apart (≈{S.Chunks * S.DelayMs / 1000.0:0.#} s per stream); streams opened evenly over {S.RampS:0.#} s; " +
                          (S.Pinned ? "router pinned to CPU 1, client + fake to CPU 0." : "no CPU pinning.")).AppendLine();
            sb.AppendLine("| figure | value |").AppendLine("| --- | ---: |");
            sb.AppendLine($"| completed correctly (every chunk, in order, finish_reason, [DONE]) | {S.Completed:N0} of {S.Streams:N0} |");
            sb.AppendLine($"| failed | {S.Failed:N0} |");
            sb.AppendLine($"| peak streams in flight at once (client side: sent, answer not yet finished) | {S.PeakOpen:N0} |");
            sb.AppendLine($"| router start-up ms | {F(S.StartupMs, "0")} |");
            sb.AppendLine($"| router idle RSS MB | {F(S.IdleRssMb, "0.0")} |");
            sb.AppendLine($"| router peak RSS MB (200 ms samples) | {F(S.PeakRssMb, "0.0")} |");
            sb.AppendLine($"| router VmHWM MB | {F(S.HwmMb, "0.0")} |");
            sb.AppendLine($"| memory per stream KB ((peak − idle) / streams) | {F(S.KbPerStream, "0.0")} |");
            sb.AppendLine($"| router peak open fds | {S.PeakRouterFds:N0} |");
            sb.AppendLine($"| router → fake protocol | {S.UpstreamHttp} |");
            if (S.PeakUpstreamConnections is { } upstream) sb.AppendLine($"| router → fake connections at most (counted by the fake) | {upstream:N0} |");
            if (S.PeakRouterThreads > 0) sb.AppendLine($"| router threads at most (2 s samples) | {S.PeakRouterThreads:N0} |");
            sb.AppendLine($"| TTFT p50 / p99 ms | {F(S.TtftP50, "0")} / {F(S.TtftP99, "0")} |");
            sb.AppendLine($"| TTLT p50 / p99 ms | {F(S.TtltP50, "0")} / {F(S.TtltP99, "0")} |");
            sb.AppendLine($"| first → last token p50 / p99 ms (the fake spaces them {(S.Chunks - 1) * S.DelayMs} ms) | {F(S.SpreadP50, "0")} / {F(S.SpreadP99, "0")} |");
            sb.AppendLine($"| wall time s | {S.Seconds:0.0} |");
            sb.AppendLine($"| open-files limit | {S.FdLimit} |");
            sb.AppendLine($"| kernel listen-queue overflows during the soak (connects dropped, retried by TCP after 1, 3, 7, 15 s) | {S.ListenOverflows:N0} |");
            sb.AppendLine($"| router alive and healthy after | {(S.RouterAliveAfter ? "yes" : $"NO — the process died (exit code {S.RouterExitCode})")} |");
            sb.AppendLine();
            if (S.ErrorCounts.Count > 0)
            {
                sb.AppendLine("Soak errors (count × first text):").AppendLine();
                foreach (var (e, c) in S.ErrorCounts) sb.AppendLine($"- {c:N0} × `{e}`");
                sb.AppendLine();
            }
            foreach (var n in S.Notes) sb.AppendLine($"- {n}");
            if (S.Notes.Count > 0) sb.AppendLine();
        }

        ClusterReport.Append(sb, res.Cluster);
        OpenLoopReport.Append(sb, res.OpenLoop);
        VersusYarp.Append(sb, res.Versus);

        var problems = (L?.Problems ?? new()).ToList();
        var withErrors = L?.Runs.Where(r => r.Errors > 0 || r.Note is not null).ToList() ?? new();
        if (problems.Count > 0 || withErrors.Count > 0)
        {
            sb.AppendLine("## Errors and problems seen").AppendLine();
            foreach (var r in withErrors)
                sb.AppendLine($"- {r.Target} {r.Mode} {LoadName(r)}: {r.Errors} errors" + (r.FirstError is null ? "" : $"; first: `{r.FirstError}`") + (r.Note is null ? "" : $" ({r.Note})"));
            foreach (var p in problems.Where(p => !p.Contains(" errors of "))) sb.AppendLine($"- {p.ReplaceLineEndings(" ")}");
            sb.AppendLine();
        }
        sb.AppendLine("![p50 and p99 latency vs concurrency](latency.svg)");
        return sb.ToString();
    }

    private static string Err(RunResult r) => r.Note is not null && r.Ok == 0 ? "not run" : r.Errors.ToString(Inv);
    private static string LoadName(RunResult r) => r.Rate is { } rate ? $"open {rate:0}/s ({r.Concurrency} conns)" : $"closed {r.Concurrency}";

    private static IEnumerable<(string Goal, string Measured, string Status)> Goals(Results res)
    {
        static string Met(bool ok) => ok ? "**met**" : "**missed**";
        var L = res.Load;
        if (L is not null)
        {
            RunResult? Run(string t, string mode, string load) => L.Runs.FirstOrDefault(r => r.Target == t && r.Mode == mode && r.Load == load && r.Ok > 0);
            foreach (var t in new[] { ("router-openai", "openai→openai"), ("router-anthropic", "openai→anthropic") })
            {
                foreach (var (mode, what) in new[] { ("json", "JSON answer"), ("stream-ttft", "stream, first token"), ("stream", "stream, last token") })
                {
                    var r = Run(t.Item1, mode == "stream-ttft" ? "stream" : mode, "c64");
                    var (a50, a99) = mode == "stream-ttft" ? (r?.AddedTtftP50, r?.AddedTtftP99) : (r?.AddedP50, r?.AddedP99);
                    var goal = $"router {t.Item2}, {what}, closed 64: added p50 < 1 ms, added p99 < 5 ms vs direct";
                    if (a50 is null || a99 is null) { yield return (goal, "–", "not measured"); continue; }
                    var ok50 = a50 < 1; var ok99 = a99 < 5;
                    yield return (goal, $"+{a50:0.00} ms / +{a99:0.00} ms", ok50 && ok99 ? Met(true) : Met(false) + (ok50 ? " (p99)" : ok99 ? " (p50)" : " (p50 and p99)"));
                }
            }
            foreach (var (mode, share) in new[] { ("json", 0.9), ("stream", 0.8) })
            {
                var router = Run("router-openai", mode, "c64");
                var yarp = Run("yarp", mode, "c64");
                var pk = Run("portkey", mode, "c64");
                var m = mode == "json" ? "JSON" : "stream";
                var g1 = $"router openai→openai throughput ≥ {share:0.0}× YARP ({m}, closed 64)";
                yield return router is null || yarp is null ? (g1, "–", "not measured")
                    : (g1, $"{router.Rps:0} vs {yarp.Rps:0} req/s = {router.Rps / yarp.Rps:0.00}×", Met(router.Rps >= share * yarp.Rps));
                var g2 = $"router openai→openai throughput ≥ 2× Portkey ({m}, closed 64)";
                yield return router is null || pk is null ? (g2, L.NotRun.TryGetValue("portkey", out var why) ? "Portkey not run: " + why : "–", "not measured")
                    : (g2, $"{router.Rps:0} vs {pk.Rps:0} req/s = {router.Rps / pk.Rps:0.00}×", Met(router.Rps >= 2 * pk.Rps));
            }
            // The dedicated A/B run (--versus-yarp) judges the same two targets on the median of many alternating rounds.
            foreach (var g in VersusYarp.Goals(res.Versus)) yield return g;
            if (Run("router-openai", "json", "c64") is { } same && Run("router-anthropic", "json", "c64") is { } translated)
                yield return ("same-format pass-through at least as fast as translation (JSON, closed 64)",
                    $"openai→openai {same.Rps:0} vs openai→anthropic {translated.Rps:0} req/s = {same.Rps / translated.Rps:0.00}×", Met(same.Rps >= translated.Rps));
            // The dedicated open-loop run (--open-loop) judges these when there is one: more rounds, and the floor beside them.
            foreach (var g in OpenLoopReport.Goals(res.OpenLoop)) yield return g;
            var open = res.OpenLoop is null ? L.Runs.Where(r => r.Rate is not null).Select(r => r.Load).FirstOrDefault() : null;
            if (open is not null)
            {
                foreach (var t in new[] { ("router-openai", "openai→openai"), ("router-anthropic", "openai→anthropic") })
                {
                    var json = Run(t.Item1, "json", open);
                    var goal = $"router {t.Item2}, JSON, open loop {json?.Rate ?? L.OpenRate:0}/s: added p50 ≤ 0.3 ms, added p99 ≤ 2 ms vs direct";
                    yield return json?.AddedP50 is not { } a50 || json.AddedP99 is not { } a99 ? (goal, "–", "not measured")
                        : (goal, $"{Plus(a50)} ms / {Plus(a99)} ms", a50 <= 0.3 && a99 <= 2 ? Met(true) : Met(false) + (a50 <= 0.3 ? " (p99)" : a99 <= 2 ? " (p50)" : " (p50 and p99)"));
                    var stream = Run(t.Item1, "stream", open);
                    var first = $"router {t.Item2}, stream, open loop {stream?.Rate ?? L.OpenRate:0}/s: first token added p50 ≤ 0.5 ms vs direct";
                    yield return stream?.AddedTtftP50 is not { } f50 ? (first, "–", "not measured") : (first, $"{Plus(f50)} ms", Met(f50 <= 0.5));
                }
            }
            var rp = L.Procs.GetValueOrDefault("router");
            yield return ("router idle RSS < 100 MB (load run: after the preflight requests)", rp?.IdleRssMb is { } idle ? $"{idle:0.0} MB" : "–", rp?.IdleRssMb is { } i2 ? Met(i2 < 100) : "not measured");
            yield return ("router start-up < 1 s (load run: process start to first 200 on /v1/health)", rp?.StartupMs is { } st ? $"{st / 1000:0.00} s" : "–", rp?.StartupMs is { } s2 ? Met(s2 < 1000) : "not measured");
        }
        foreach (var goal in Idle.Goals(res.Idle)) yield return goal;
        foreach (var S in res.Soaks)
        {
            var peak = Math.Max(S.PeakRssMb ?? 0, S.HwmMb ?? 0);
            var goal = $"soak: {S.Streams:N0} concurrent streams all completing, router peak RSS < 800 MB";
            var projected = S.Streams < 10_000 && S.IdleRssMb is { } idle && S.KbPerStream is { } kb ? $"; projected for 10,000: {idle + kb * 10_000 / 1024:0} MB" : "";
            var measured = $"{peak:0} MB peak, {S.KbPerStream:0.0} KB/stream{projected}; {S.Completed:N0}/{S.Streams:N0} completed";
            if (S.RouterExitCode is { } code)
                yield return (goal, measured, $"**missed**: the router process died (exit {code}) at {peak:0} MB" + (S.FdExhausted ? ", after running out of file descriptors" : ""));
            else
                yield return (goal, measured + $"; upstream {S.UpstreamHttp}", S.Completed == S.Streams ? Met(peak < 800) : $"**missed**: {S.Failed:N0} streams failed" + (peak < 800 ? "" : $", peak {peak:0} MB"));
        }
        if (res.Soaks.Count == 0)
            yield return ("soak: 10,000 concurrent streams all completing, router peak RSS < 800 MB", "–", "not measured (run with --soak)");
        if (L is null) foreach (var g in OpenLoopReport.Goals(res.OpenLoop).Concat(VersusYarp.Goals(res.Versus))) yield return g;
        foreach (var g in ClusterReport.Goals(res.Cluster)) yield return g;
    }
}

/// <summary>latency.svg: p50 and p99 against concurrency (closed loop), one line per target, log-log, drawn by hand.</summary>
static class Chart
{
    private static readonly string[] Colors = ["#444444", "#1f77b4", "#d62728", "#ff7f0e", "#2ca02c", "#9467bd"];
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Svg(Results res)
    {
        const int pw = 430, ph = 270, ml = 60, mt = 40, mr = 20, mb = 45;
        var L = res.Load;
        var targets = L?.Targets.Where(t => L.Runs.Any(r => r.Target == t[0] && r.Ok > 0)).ToList() ?? new();
        var legendH = 30;
        var w = 2 * (pw + ml + mr);
        var h = 2 * (ph + mt + mb) + legendH + 30;
        var sb = new StringBuilder();
        sb.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append(Inv, $"<rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\n");
        sb.Append(Inv, $"<text x=\"{w / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">Latency vs concurrency (closed loop, loopback{(L is null ? "" : ", " + L.When)})</text>\n");
        if (L is null) { sb.Append("<text x=\"20\" y=\"60\">no load run yet</text></svg>\n"); return sb.ToString(); }
        var panels = new[] { ("json", false, "JSON answer — p50"), ("json", true, "JSON answer — p99"), ("stream", false, "stream, last token — p50"), ("stream", true, "stream, last token — p99") };
        var levels = L.Runs.Where(r => r.Rate is null).Select(r => r.Concurrency).Distinct().OrderBy(c => c).ToList();
        for (var p = 0; p < panels.Length; p++)
        {
            var (mode, p99, title) = panels[p];
            var ox = (p % 2) * (pw + ml + mr) + ml;
            var oy = (p / 2) * (ph + mt + mb) + mt + 20;
            var pts = L.Runs.Where(r => r.Mode == mode && r.Rate is null && r.Ok > 0 && (p99 ? r.P99 : r.P50) > 0).ToList();
            var vals = pts.Select(r => (p99 ? r.P99 : r.P50)!.Value).ToList();
            var lo = vals.Count > 0 ? Math.Floor(Math.Log10(vals.Min())) : -1;
            var hi = vals.Count > 0 ? Math.Ceiling(Math.Log10(vals.Max())) : 2;
            if (hi <= lo) hi = lo + 1;
            double Y(double v) => oy + ph - (Math.Log10(v) - lo) / (hi - lo) * ph;
            var xmax = Math.Log2(Math.Max(2, levels.DefaultIfEmpty(2).Max()));
            double X(int c) => ox + 10 + Math.Log2(c) / xmax * (pw - 20);
            sb.Append(Inv, $"<text x=\"{ox + pw / 2}\" y=\"{oy - 10}\" text-anchor=\"middle\" font-weight=\"bold\">{title}</text>\n");
            sb.Append(Inv, $"<rect x=\"{ox}\" y=\"{oy}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#999\"/>\n");
            for (var d = lo; d <= hi; d++)
            {
                foreach (var m in new[] { 1, 2, 5 })
                {
                    var v = m * Math.Pow(10, d);
                    if (Math.Log10(v) > hi + 1e-9) break;
                    var y = Y(v);
                    sb.Append(Inv, $"<line x1=\"{ox}\" x2=\"{ox + pw}\" y1=\"{y:0.0}\" y2=\"{y:0.0}\" stroke=\"{(m == 1 ? "#ccc" : "#eee")}\"/>\n");
                    if (m == 1 || hi - lo <= 2)
                        sb.Append(Inv, $"<text x=\"{ox - 6}\" y=\"{y + 4:0.0}\" text-anchor=\"end\">{v.ToString(v < 1 ? "0.###" : "0", Inv)}</text>\n");
                }
            }
            foreach (var c in levels)
            {
                var x = X(c);
                sb.Append(Inv, $"<line x1=\"{x:0.0}\" x2=\"{x:0.0}\" y1=\"{oy}\" y2=\"{oy + ph}\" stroke=\"#eee\"/>\n");
                sb.Append(Inv, $"<text x=\"{x:0.0}\" y=\"{oy + ph + 16}\" text-anchor=\"middle\">{c}</text>\n");
            }
            sb.Append(Inv, $"<text x=\"{ox + pw / 2}\" y=\"{oy + ph + 34}\" text-anchor=\"middle\" fill=\"#555\">concurrent clients (log)</text>\n");
            sb.Append(Inv, $"<text x=\"{ox - 45}\" y=\"{oy + ph / 2}\" text-anchor=\"middle\" fill=\"#555\" transform=\"rotate(-90 {ox - 45} {oy + ph / 2})\">ms (log)</text>\n");
            for (var ti = 0; ti < targets.Count; ti++)
            {
                var series = pts.Where(r => r.Target == targets[ti][0]).OrderBy(r => r.Concurrency)
                    .Select(r => (X(r.Concurrency), Y((p99 ? r.P99 : r.P50)!.Value))).ToList();
                if (series.Count == 0) continue;
                var color = Colors[ti % Colors.Length];
                sb.Append(Inv, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(" ", series.Select(s => string.Create(Inv, $"{s.Item1:0.0},{s.Item2:0.0}")))}\"/>\n");
                foreach (var (x, y) in series) sb.Append(Inv, $"<circle cx=\"{x:0.0}\" cy=\"{y:0.0}\" r=\"3\" fill=\"{color}\"/>\n");
            }
        }
        var ly = h - legendH;
        var lx = 20.0;
        for (var ti = 0; ti < targets.Count; ti++)
        {
            var color = Colors[ti % Colors.Length];
            sb.Append(Inv, $"<rect x=\"{lx:0}\" y=\"{ly}\" width=\"14\" height=\"14\" fill=\"{color}\"/>\n");
            sb.Append(Inv, $"<text x=\"{lx + 20:0}\" y=\"{ly + 12}\">{System.Security.SecurityElement.Escape(targets[ti][1])}</text>\n");
            lx += 40 + targets[ti][1].Length * 7;
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }
}
