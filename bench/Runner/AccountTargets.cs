using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Bench;

/// <summary>The figures of the account-kind targets: every run, and which reference each target is compared with.</summary>
sealed class AccountSection
{
    public string LoadAvgBefore { get; set; } = "";
    public string LoadAvgAfter { get; set; } = "";
    /// <summary>When the account run was made, by which command and on which code: a run with --accounts replaces only
    /// this section, so the load run's own line does not tell.</summary>
    public string When { get; set; } = "";
    public string Command { get; set; } = "";
    public string RouterSource { get; set; } = "";
    public int Concurrency { get; set; }
    public int Rounds { get; set; } = 1;
    public List<string[]> Targets { get; set; } = new(); // [key, label, reference key]
    public List<RunResult> Runs { get; set; } = new();
    /// <summary>The router's CPU seconds (user + system) during each target's runs, by "target mode": less noisy than req/s on a shared box.</summary>
    public Dictionary<string, double> RouterCpuSeconds { get; set; } = new();
    /// <summary>Bytes the router allocated and thread-pool work items it ran during each target's runs, by "target mode"
    /// (GET /v0/management/runtime): counts, much steadier than time when the machine is shared.</summary>
    public Dictionary<string, double> RouterAllocatedBytes { get; set; } = new();
    public Dictionary<string, double> RouterWorkItems { get; set; } = new();
    /// <summary>The other side of each target's runs, by "target mode": the seconds the load generator's core (CPU 0: the
    /// clients, the fake upstream, the relay's worker) was busy, and the CPU seconds of this process and the fake on it.</summary>
    public Dictionary<string, double> LoadCoreBusySeconds { get; set; } = new();
    public Dictionary<string, double> LoadSideCpuSeconds { get; set; } = new();
    public List<string> Problems { get; set; } = new();
}

/// <summary>
/// Every kind of account on the router's lease path, side by side in one router (port 18319) on its own fake
/// upstream (port 18410): API-key accounts (the references), an API-key account with max_in_flight, a Claude
/// OAuth account (signed in through the fake's OAuth endpoints), a ctonew account (a Clerk session from config,
/// its JWT from the fake's Clerk endpoint) and an AI Studio relay account (RelayWorker, a worker in this process
/// that performs the router's http_requests against the fake's Gemini route). Closed loop at 64 clients, JSON and
/// stream; each target's throughput is compared with the API-key account of the same wire format.
/// </summary>
static class AccountTargets
{
    public const int FakePort = 18410, RouterPort = 18319;
    private const string WorkerKey = "wk-bench";

    private static readonly (string Key, string Label, string Model, string Counter, string Reference)[] Kinds =
    [
        ("key-openai", "API key, openai→openai (reference)", "key-gpt-bench", "openai", ""),
        ("key-anthropic", "API key, openai→anthropic (reference)", "key-claude-bench", "anthropic", ""),
        ("key-gemini", "API key, openai→gemini (reference)", "key-gemini-bench", "gemini", ""),
        ("slots", "API key with max_in_flight 64, openai→openai", "slots-gpt-bench", "openai", "key-openai"),
        ("oauth", "Claude OAuth (LLMux), openai→anthropic", "oauth-claude-bench", "anthropic", "key-anthropic"),
        ("ctonew", "ctonew (Clerk session), openai→openai", "ctonew-gpt-bench", "openai", "key-openai"),
        ("relay", "AI Studio relay worker, openai→gemini", "gemini-bench-aistudio", "gemini", "key-gemini"),
    ];

    public static async Task<AccountSection> Run(Options o, BuiltEnv env, string cache)
    {
        const int conc = 64;
        var sec = new AccountSection
        {
            LoadAvgBefore = LoadRun.LoadAvg(), Concurrency = conc, When = DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm zzz"),
            RouterSource = env.RouterSource,
            Command = o.AccountsOnly
                ? $"dotnet run -c Release --project bench/Runner -- {(o.Quick ? "--quick " : "")}--accounts --account-rounds {o.AccountRounds} --prewarm {o.Prewarm}"
                : "part of the load run",
        };
        foreach (var (port, what) in new[] { (FakePort, "account fake upstream"), (RouterPort, "account router") })
            Procs.EnsureFree(port, what);
        var fake = Procs.StartFake(env, FakePort, o.Chunks, 0);
        Child? router = null;
        RelayWorker? worker = null;
        var authDir = Path.Combine(Path.GetTempPath(), "router-bench-accounts-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await Procs.WaitReady(fake, $"http://127.0.0.1:{FakePort}/stats", s => s == 200, TimeSpan.FromSeconds(30));
            var cookie = await Procs.Probe.GetStringAsync($"http://127.0.0.1:{FakePort}/clerk/bench-cookie");
            var config = WriteConfig(cache, authDir, cookie);
            Console.WriteLine($"start: account router on {RouterPort}");
            router = Children.Start("router-accounts", "dotnet", [env.RouterDll, "--config", config], cpu: 1);
            await Procs.WaitReady(router, $"http://127.0.0.1:{RouterPort}/v1/health", s => s == 200, TimeSpan.FromSeconds(60));
            await SignInClaudeAsync();
            worker = await RelayWorker.ConnectAsync($"ws://127.0.0.1:{RouterPort}/v1/ws?name=bench", WorkerKey);

            var kinds = o.AccountKinds is { } only
                ? Kinds.Where(k => only.Contains(k.Key) || Kinds.Any(m => only.Contains(m.Key) && m.Reference == k.Key)).ToArray()
                : Kinds;
            if (kinds.Length == 0) throw new ArgumentException($"--account-kinds: none of {string.Join(",", o.AccountKinds!)} is a kind ({string.Join(", ", Kinds.Select(k => k.Key))})");
            var targets = kinds.Select(k => new Target(k.Key, k.Label, $"http://127.0.0.1:{RouterPort}/v1/chat/completions", k.Model, new(), k.Counter)).ToList();
            sec.Targets = kinds.Select(k => new[] { k.Key, k.Label, k.Reference }).ToList();
            using (var client = Load.NewClient(8))
                foreach (var t in targets)
                    foreach (var stream in new[] { false, true })
                        if (await PreflightAsync(client, t, stream, o.Chunks) is { } why)
                            sec.Problems.Add($"preflight: {t.Label} {(stream ? "stream" : "JSON")}: {why}");

            // The same unmeasured prewarm as the load run: this router is fresh, and its first round ran on code not yet at its final tier.
            await Load.Prewarm("accounts prewarm", "target", targets, conc, o);

            // Rounds in alternating order, each target's figure the sum over rounds: on a shared 2-core box one run alone is noise.
            var warm = TimeSpan.FromSeconds(o.Warmup);
            var dur = TimeSpan.FromSeconds(Math.Min(o.Duration, 3));
            sec.Rounds = o.AccountRounds;
            Console.WriteLine($"accounts: {sec.Rounds} rounds of {targets.Count * 2} runs of {warm.TotalSeconds}+{dur.TotalSeconds} s at closed {conc}");
            for (var round = 0; round < sec.Rounds; round++)
                foreach (var stream in new[] { false, true })
                    foreach (var t in round % 2 == 0 ? targets : Enumerable.Reverse(targets))
                    {
                        var cpuBefore = Native.CpuSeconds(router.Pid);
                        var (coreBefore, loadSideBefore) = (Native.CoreBusySeconds(0), LoadSideCpuSeconds(fake));
                        var countsBefore = await RouterRuntime.Read(RouterPort);
                        var r = await Load.Closed(t, stream, conc, warm, dur, o.Chunks);
                        // Warm-up included: the share of the measured window is dur / (warm + dur).
                        var share = dur / (warm + dur);
                        var cpu = (Native.CpuSeconds(router.Pid) - cpuBefore) * share;
                        var (coreBusy, loadSide) = ((Native.CoreBusySeconds(0) - coreBefore) * share, (LoadSideCpuSeconds(fake) - loadSideBefore) * share);
                        var countsAfter = await RouterRuntime.Read(RouterPort);
                        var key = $"{t.Key} {r.Mode}";
                        sec.RouterCpuSeconds[key] = sec.RouterCpuSeconds.GetValueOrDefault(key) + cpu;
                        sec.RouterAllocatedBytes[key] = sec.RouterAllocatedBytes.GetValueOrDefault(key) + (countsAfter.Allocated - countsBefore.Allocated) * share;
                        sec.RouterWorkItems[key] = sec.RouterWorkItems.GetValueOrDefault(key) + (countsAfter.WorkItems - countsBefore.WorkItems) * share;
                        if (Children.Pin)
                        {
                            sec.LoadCoreBusySeconds[key] = sec.LoadCoreBusySeconds.GetValueOrDefault(key) + coreBusy;
                            sec.LoadSideCpuSeconds[key] = sec.LoadSideCpuSeconds.GetValueOrDefault(key) + loadSide;
                        }
                        if (!router.Alive) r.Note = $"the router exited with code {router.Proc.ExitCode} during this run";
                        sec.Runs.Add(r);
                        Console.WriteLine($"{t.Key,-18} {r.Mode,-6} {r.Load,-8} {r.Rps,9:0} {r.P50,9:0.00} {r.P99,9:0.00} {r.TtftP50,8:0.00} {r.TtftP99,8:0.00} {r.Errors,7}"
                            + (r.FirstError is null ? "" : $"  first error: {r.FirstError}"));
                        await Task.Delay(300);
                    }
            sec.Problems.AddRange(LoadRun.LogProblems(router));
        }
        catch (Exception e)
        {
            sec.Problems.Add("account targets failed: " + e.Message.Split('\n')[0]);
            Console.Error.WriteLine($"account targets failed: {e}");
        }
        finally
        {
            if (worker is not null) await worker.DisposeAsync();
            if (router is not null) Children.Stop(router);
            Children.Stop(fake);
            try { Directory.Delete(authDir, true); } catch { }
        }
        sec.LoadAvgAfter = LoadRun.LoadAvg();
        return sec;
    }

    /// <summary>CPU seconds of the load generator's side: this process (clients and relay worker) and the fake upstream.</summary>
    private static double LoadSideCpuSeconds(Child fake) => Native.CpuSeconds(Environment.ProcessId) + Native.CpuSeconds(fake.Pid);

    /// <summary>One request of each mode, retried for a few seconds while accounts sign in and the worker joins.</summary>
    private static async Task<string?> PreflightAsync(HttpClient client, Target t, bool stream, int chunks)
    {
        string? why = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            var before = await Procs.FakeCount(FakePort, t.FakeCounter);
            var r = await Load.Send(client, t, stream, Load.Body(t.Model, stream), chunks, CancellationToken.None);
            var after = await Procs.FakeCount(FakePort, t.FakeCounter);
            why = !r.Ok ? r.Error : after <= before ? "answered, but the fake upstream saw no request" : null;
            if (why is null) return null;
        }
        return why;
    }

    /// <summary>The LLMux sign-in as a browser does it: login URL → the fake's authorize page → the router's callback.</summary>
    private static async Task SignInClaudeAsync()
    {
        using var browser = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = true }) { Timeout = TimeSpan.FromSeconds(30) };
        var login = await browser.GetFromJsonAsync<JsonObject>($"http://127.0.0.1:{RouterPort}/v1/auth/llmux/claude/login");
        using var callback = await browser.GetAsync(login!["url"]!.GetValue<string>());
        var text = await callback.Content.ReadAsStringAsync();
        if (!callback.IsSuccessStatusCode || !text.Contains("signed_in"))
            throw new InvalidOperationException($"the Claude OAuth sign-in failed: {(int)callback.StatusCode} {text}");
    }

    private static string WriteConfig(string cache, string authDir, string cookie)
    {
        var fake = $"http://127.0.0.1:{FakePort}";
        var path = Path.Combine(cache, $"router-bench-{RouterPort}.yaml");
        File.WriteAllText(path, $$"""
            server: { host: 127.0.0.1, port: {{RouterPort}}, worker_keys: [{{WorkerKey}}]{{Procs.CpuSchedulingEntry}} }
            auth: { dir: {{authDir}} }
            logging: { level: warn }
            providers:
              key-openai: { type: openai, base_url: {{fake}}/v1, api_keys: [sk-bench] }
              key-anthropic: { type: anthropic, base_url: {{fake}}, api_keys: [sk-bench] }
              key-gemini: { type: gemini, base_url: {{fake}}, api_keys: [sk-bench] }
              slots-openai: { type: openai, base_url: {{fake}}/v1, api_keys: [sk-bench], max_in_flight: 64 }
              claude-pro:
                type: claude-oauth
                base_url: {{fake}}
                oauth:
                  authorize_url: {{fake}}/oauth/authorize
                  token_url: {{fake}}/oauth/token
                  client_id: bench
                  redirect_uri: http://127.0.0.1:{{RouterPort}}/v1/auth/llmux/claude/callback
              ctonew:
                type: ctonew
                base_url: {{fake}}
                clerk: { token_url: {{fake}}/clerk/v1/tokens/create, cookie: "{{cookie}}" }
              aistudio: { type: aistudio, target_url: {{fake}} }
            models:
              routing:
                - { pattern: "^key-gpt-", providers: [key-openai] }
                - { pattern: "^key-claude-", providers: [key-anthropic] }
                - { pattern: "^key-gemini-", providers: [key-gemini] }
                - { pattern: "^slots-", providers: [slots-openai] }
                - { pattern: "^oauth-", providers: [claude-pro] }
                - { pattern: "^ctonew-", providers: [ctonew] }
                - { pattern: "-aistudio$", providers: [aistudio] }
            """);
        return path;
    }

    /// <summary>One target's figures over every round: requests per second over all measured seconds, the median p50, the worst p99.</summary>
    private sealed record Summary(double Rps, double? P50, double? P99, double? TtftP50, long Errors, string PerRound, double? CpuUsPerRequest,
        double? AllocatedKbPerRequest, double? WorkItemsPerRequest, double? LoadCoreBusy, double? LoadSideCpuUsPerRequest)
    {
        /// <summary>How busy the router's core was (CPU per request × requests per second): below ≈ 0.95 the router was not what limited the throughput.</summary>
        public double? Busy => CpuUsPerRequest * Rps / 1e6;
    }

    /// <summary>Below this the router's core had time to spare: something else set the pace, the load generator's core (client,
    /// fake upstream, relay worker; its own busy figure says whether it was full) or the time a request spends outside the router.</summary>
    private const double Saturated = 0.95;

    private static Summary? Summarize(AccountSection a, string target, string mode)
    {
        var runs = a.Runs.Where(r => r.Target == target && r.Mode == mode).ToList();
        if (runs.Count == 0 || runs.Sum(r => r.Ok) == 0) return null;
        var key = $"{target} {mode}";
        static double? Median(IEnumerable<double?> xs) => xs.OfType<double>().Order().ToList() is { Count: > 0 } l ? l[l.Count / 2] : null;
        return new Summary(runs.Sum(r => r.Ok) / runs.Sum(r => r.Seconds), Median(runs.Select(r => r.P50)), runs.Max(r => r.P99),
            Median(runs.Select(r => r.TtftP50)), runs.Sum(r => r.Errors), string.Join(" / ", runs.Select(r => r.Rps.ToString("0"))),
            PerRequest(a.RouterCpuSeconds, 1e6), PerRequest(a.RouterAllocatedBytes, 1.0 / 1024), PerRequest(a.RouterWorkItems, 1),
            a.LoadCoreBusySeconds.TryGetValue(key, out var busy) ? busy / runs.Sum(r => r.Seconds) : null,
            PerRequest(a.LoadSideCpuSeconds, 1e6));

        double? PerRequest(Dictionary<string, double> totals, double scale) =>
            totals.TryGetValue(key, out var total) && total > 0 ? total * scale / runs.Sum(r => r.Ok) : null;
    }

    /// <summary>The Targets rows: each account kind's throughput vs its API-key reference, closed 64, within 10% = met.</summary>
    public static IEnumerable<(string Goal, string Measured, string Status)> Goals(AccountSection? a)
    {
        if (a is null) yield break;
        foreach (var target in a.Targets.Where(t => t[2].Length > 0))
            foreach (var (mode, what) in new[] { ("json", "JSON"), ("stream", "stream") })
            {
                var goal = $"{target[1]}: throughput ≥ 0.9× the API-key account's ({what}, closed {a.Concurrency})";
                if (Summarize(a, target[0], mode) is not { } r || Summarize(a, target[2], mode) is not { } reference)
                {
                    yield return (goal, "not measured", "**missed**");
                    continue;
                }
                var ratio = r.Rps / reference.Rps;
                var cpu = r.CpuUsPerRequest is { } mine && reference.CpuUsPerRequest is { } theirs ? $"; router CPU per request {mine:0} vs {theirs:0} µs" : "";
                if (r.AllocatedKbPerRequest is { } kb && reference.AllocatedKbPerRequest is { } refKb && r.WorkItemsPerRequest is { } items && reference.WorkItemsPerRequest is { } refItems)
                    cpu += $", allocated {kb:0.0} vs {refKb:0.0} KB, thread-pool hand-offs {items:0.0} vs {refItems:0.0}";
                if (r.Busy is { } busy && reference.Busy is { } refBusy) cpu += $", router core busy {busy:P0} vs {refBusy:P0}";
                if (r.LoadCoreBusy is { } load && reference.LoadCoreBusy is { } refLoad && r.LoadSideCpuUsPerRequest is { } side && reference.LoadSideCpuUsPerRequest is { } refSide)
                    cpu += $", load generator's core busy {load:P0} vs {refLoad:P0} (clients, fake{(target[0] == "relay" ? ", worker" : "")}: {side:0} vs {refSide:0} µs per request)";
                // Throughput compares the router's paths only while the router's core is what limits it. When it had time to
                // spare, something else set the pace (the other core, or the time a request spent outside the router), and the
                // router's own cost per request is the comparison that is left.
                var routerHadSpare = r.Busy < Saturated && reference.Busy >= Saturated;
                var costWithin = r.CpuUsPerRequest <= 1.1 * reference.CpuUsPerRequest;
                var met = r.Errors == 0 && (ratio >= 0.9 || routerHadSpare && costWithin);
                var status = !met ? "**missed**" : ratio >= 0.9 ? "**met**" : "**met** (router CPU per request within 10 %; its core was not saturated)";
                yield return (goal, $"{r.Rps:0} vs {reference.Rps:0} req/s = {ratio:0.00}× ({a.Rounds} rounds){cpu}" + (r.Errors > 0 ? $", {r.Errors} errors" : ""), status);
            }
    }

    /// <summary>The section of latest.md with every account-kind run.</summary>
    public static string Markdown(AccountSection? a)
    {
        if (a is null) return "";
        var sb = new System.Text.StringBuilder();
        sb.AppendLine($"## Account kinds on the lease path (closed {a.Concurrency}, one router, port {RouterPort})").AppendLine();
        if (a.When.Length > 0) sb.AppendLine($"Run: {a.When}, `{a.Command}`, router: {a.RouterSource}.").AppendLine();
        sb.AppendLine($"Load average before: {a.LoadAvgBefore}, after: {a.LoadAvgAfter}.").AppendLine();
        sb.AppendLine($"Each figure is over {a.Rounds} rounds run in alternating order (req/s = all answers ÷ all measured seconds; p50 = median of the rounds; p99 = worst round; router CPU µs per request = the router's user + system CPU time during the measured windows ÷ answers, the cost per request with the noise of other processes mostly left out; allocated KB and thread-pool hand-offs per request = the router's own counters (`GET /v0/management/runtime`) over the same windows ÷ answers: counts, much steadier than time on a shared machine (not immune to it: a read that finds its data already there costs no hand-off); router core busy = CPU per request × req/s: below 95 % the router had time to spare and something else set the pace: the other core (client, fake upstream and, for the relay, its worker) or the time a request spent outside the router; load core busy = how busy that other core (CPU 0) was over the same windows, from `/proc/stat`, the kernel's loopback work included, and load side CPU µs/request = the CPU time of this process (clients and relay worker) and the fake upstream ÷ answers).").AppendLine();
        sb.AppendLine("| target | mode | ok req/s | per round | p50 | p99 | TTFT p50 | vs API key | router CPU µs/request | router core busy | load core busy | load side CPU µs/request | allocated KB/request | thread-pool hand-offs/request | errors |").AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var mode in new[] { "json", "stream" })
            foreach (var target in a.Targets)
            {
                if (Summarize(a, target[0], mode) is not { } r) continue;
                var ratio = Summarize(a, target[2], mode) is { } reference ? $"{r.Rps / reference.Rps:0.00}×" : "–";
                sb.AppendLine($"| {target[1]} | {mode} | {r.Rps:0} | {r.PerRound} | {r.P50:0.00} | {r.P99:0.00} | {(r.TtftP50 is { } t ? t.ToString("0.00") : "–")} | {ratio} | {(r.CpuUsPerRequest is { } c ? c.ToString("0") : "–")} | {(r.Busy is { } busy ? busy.ToString("P0") : "–")} | {(r.LoadCoreBusy is { } load ? load.ToString("P0") : "–")} | {(r.LoadSideCpuUsPerRequest is { } side ? side.ToString("0") : "–")} | {(r.AllocatedKbPerRequest is { } kb ? kb.ToString("0.0") : "–")} | {(r.WorkItemsPerRequest is { } items ? items.ToString("0.0") : "–")} | {r.Errors} |");
            }
        sb.AppendLine();
        foreach (var p in a.Problems) sb.AppendLine($"- {p.ReplaceLineEndings(" ")}");
        if (a.Problems.Count > 0) sb.AppendLine();
        return sb.ToString();
    }
}
