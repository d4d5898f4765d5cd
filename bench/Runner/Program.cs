// The router benchmark, one command (bench/README.md):
//   dotnet run -c Release --project bench/Runner -- [--quick] [--soak] [--cluster] [--idle] [--versus-yarp [--versus-rounds N] [--levels 64,512]] [--duration S] [--soak-streams N] [--no-pin] [--no-portkey]
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using Bench;

var opts = Options.Parse(args);
var repo = Paths.FindRepo();
var bench = Path.Combine(repo, "bench");
var cache = Path.Combine(bench, ".cache");
var resultsDir = Path.Combine(bench, "results");
Directory.CreateDirectory(resultsDir);
Children.LogDir = Path.Combine(cache, "logs");
Directory.CreateDirectory(Children.LogDir);

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; Console.Error.WriteLine("\nCtrl+C: stopping children…"); Children.KillAll(); Environment.Exit(130); };
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => { Children.KillAll(); Environment.Exit(143); });
using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => { Children.KillAll(); Environment.Exit(129); });
AppDomain.CurrentDomain.ProcessExit += (_, _) => Children.KillAll();
AppDomain.CurrentDomain.UnhandledException += (_, _) => Children.KillAll();

var exit = 0;
try
{
    var (soft, hard) = Native.RaiseOpenFiles();
    Children.Pin = opts.Pin && Environment.ProcessorCount >= 2 && File.Exists("/usr/bin/taskset");
    if (Children.Pin) Native.PinSelf(0);
    Console.WriteLine($"bench: repo {repo}; open-files limit {soft}/{hard}; pinning {(Children.Pin ? "client+fake on CPU 0, proxy under test on CPU 1" : "off")}");

    var path = Path.Combine(resultsDir, "latest.json");
    var results = File.Exists(path) ? JsonSerializer.Deserialize<Results>(File.ReadAllText(path), Report.Json) ?? new Results() : new Results();

    // An experiment with a knob of the router's (--router-env, --router-cpu-scheduling) is printed; the recorded runs of the router as it ships are kept.
    var experiment = opts.RouterEnv.Count > 0 || opts.RouterCpuScheduling is not null;
    if (opts.ReportOnly) { }
    else if (opts.Cluster)
        results.Cluster = await ClusterRun.Run(opts, await Setup.Build(repo, cache), repo);
    else if (opts.IdleOnly)
        results.Idle = await Idle.Run(opts, await Setup.Build(repo, cache, opts.IdleCompare, floors: true), cache);
    else if (opts.Soak)
    {
        var soak = await Soak.Run(opts, await Setup.Build(repo, cache), cache, soft, hard);
        results.Soaks.RemoveAll(x => x.Streams == soak.Streams);
        results.Soaks.Add(soak);
        results.Soaks.Sort((a, b) => b.Streams.CompareTo(a.Streams));
    }
    else if (opts.VersusOnly)
    {
        var versus = await VersusYarp.Run(opts, await Setup.Build(repo, cache, portkey: false), cache);
        if (experiment)
        {
            var sb = new System.Text.StringBuilder();
            VersusYarp.Append(sb, versus);
            Console.WriteLine(sb);
            return exit;
        }
        results.Versus = versus;
    }
    else if (opts.OpenLoopOnly)
        results.OpenLoop = await OpenLoopRun.Run(opts, await Setup.Build(repo, cache, portkey: false), cache);
    else if (opts.AccountsOnly)
    {
        results.Load ??= new LoadSection();
        var accounts = await AccountTargets.Run(opts, await Setup.Build(repo, cache, portkey: false), cache);
        if (opts.AccountKinds is not null)
        {
            // A probe of a few kinds: its figures are printed, and the results of the last full run are kept as they are.
            Console.WriteLine(AccountTargets.Markdown(accounts));
            return exit;
        }
        results.Load.Accounts = accounts;
    }
    else
    {
        var built = await Setup.Build(repo, cache, floors: true);
        results.Idle = await Idle.Run(opts, built, cache);
        results.Load = await LoadRun.Run(opts, built, cache);
    }

    if (experiment)
    {
        Console.WriteLine(Report.Markdown(results));
        return exit;
    }
    File.WriteAllText(path, JsonSerializer.Serialize(results, Report.Json));
    File.WriteAllText(Path.Combine(resultsDir, "latest.md"), Report.Markdown(results));
    File.WriteAllText(Path.Combine(resultsDir, "latency.svg"), Chart.Svg(results));
    Console.WriteLine($"\nwrote {Path.Combine(resultsDir, "latest.md")}, latest.json, latency.svg");
}
catch (Exception e)
{
    Console.Error.WriteLine($"bench failed: {e}");
    exit = 1;
}
finally
{
    Children.KillAll();
}
return exit;

namespace Bench
{
    sealed class Options
    {
        public bool Quick, Soak, Cluster, Pin = true, Portkey = true, ReportOnly, IdleOnly, IdleCompare, AccountsOnly;
        /// <summary>--account-kinds: only these account targets (and their references), printed and not written to results/.</summary>
        public string[]? AccountKinds;
        public int IdleStarts = 3, AccountRounds = 3, OpenRounds = 5;
        /// <summary>--open-loop: only the open-loop rows, in OpenRounds rounds, with a TCP byte relay beside the proxies.</summary>
        public bool OpenLoopOnly;
        /// <summary>--versus-yarp: the router against YARP alone, VersusRounds alternating rounds at each of VersusLevels.</summary>
        public bool VersusOnly;
        public int VersusRounds = 10;
        public int[] VersusLevels = [64, 512];
        /// <summary>--router-env NAME=VALUE (repeatable): set in the router's environment by --versus-yarp, to A/B a runtime knob
        /// (such a run is printed, not written to results/).</summary>
        public Dictionary<string, string> RouterEnv = new();
        /// <summary>--router-cpu-scheduling batch|normal: the router's `server.cpu_scheduling` (its default, batch, when not given),
        /// to A/B it (such a run is printed, not written to results/).</summary>
        public string? RouterCpuScheduling;
        /// <summary>--prewarm's default: a recorded command names --prewarm only when it differs.</summary>
        public const double DefaultPrewarm = 4;
        public double Duration = 5, Warmup = 1, Prewarm = DefaultPrewarm;
        public int SoakStreams = 10_000, SoakChunks = 20, SoakDelayMs = 500;
        public double SoakRampS = 2;
        public string SoakUpstreamHttp = "2";
        public int Chunks = 20;
        public double OpenRate = 500;
        public int[] Levels = [1, 64, 512];

        public static Options Parse(string[] args)
        {
            var o = new Options();
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--quick": o.Quick = true; o.Duration = 3; o.Warmup = 0.5; break;
                    case "--soak": o.Soak = true; break;
                    case "--cluster": o.Cluster = true; break;
                    case "--report-only": o.ReportOnly = true; break;
                    case "--idle": o.IdleOnly = true; break;
                    case "--idle-compare": o.IdleOnly = true; o.IdleCompare = true; break;
                    case "--idle-starts": o.IdleStarts = int.Parse(args[++i]); break;
                    case "--accounts": o.AccountsOnly = true; break;
                    case "--open-loop": o.OpenLoopOnly = true; break;
                    case "--versus-yarp": o.VersusOnly = true; break;
                    case "--versus-rounds": o.VersusRounds = int.Parse(args[++i]); break;
                    case "--router-cpu-scheduling": o.RouterCpuScheduling = Procs.CpuScheduling = args[++i]; break;
                    case "--router-env": var kv = args[++i].Split('=', 2); o.RouterEnv[kv[0]] = kv.Length == 2 ? kv[1] : throw new ArgumentException("--router-env takes NAME=VALUE"); break;
                    case "--levels": o.VersusLevels = args[++i].Split(',').Select(int.Parse).ToArray(); break;
                    case "--open-rounds": o.OpenRounds = int.Parse(args[++i]); break;
                    case "--account-rounds": o.AccountRounds = int.Parse(args[++i]); break;
                    case "--account-kinds": o.AccountsOnly = true; o.AccountKinds = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                    case "--no-pin": o.Pin = false; break;
                    case "--no-portkey": o.Portkey = false; break;
                    case "--prewarm": o.Prewarm = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                    case "--warmup": o.Warmup = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                    case "--duration": o.Duration = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                    case "--soak-streams": o.SoakStreams = int.Parse(args[++i]); break;
                    case "--soak-ramp": o.SoakRampS = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                    case "--soak-upstream-http": o.SoakUpstreamHttp = args[++i] is "1.1" or "2" ? args[i] : throw new ArgumentException("--soak-upstream-http takes 1.1 or 2"); break;
                    default: throw new ArgumentException($"unknown option {args[i]} (use --quick, --router-cpu-scheduling batch|normal, --soak, --cluster, --idle, --idle-compare, --idle-starts N, --accounts, --account-kinds K1,K2, --versus-yarp, --versus-rounds N, --levels C1,C2, --router-env NAME=VALUE, --account-rounds N, --report-only, --warmup S, --prewarm S, --duration S, --soak-streams N, --soak-ramp S, --soak-upstream-http 1.1|2, --no-pin, --no-portkey)");
                }
            }
            return o;
        }
    }

    static class Paths
    {
        public static string FindRepo()
        {
            foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
                for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                    if (File.Exists(Path.Combine(d.FullName, "Router.sln")) && Directory.Exists(Path.Combine(d.FullName, "bench")))
                        return d.FullName;
            throw new InvalidOperationException("run from inside the repository (no Router.sln found above the current directory)");
        }
    }

    /// <summary>What the build step produced: the dlls to run, and where the router came from.</summary>
    sealed record BuiltEnv(string FakeDll, string YarpDll, string RouterDll, string RouterSource, string Commit, string? PortkeyEntry, string? PortkeyWhyNot, string Machine)
    {
        /// <summary>The router of a plain `dotnet build -c Release` (no ReadyToRun), with --idle-compare.</summary>
        public string? RouterJitDll { get; init; }
        /// <summary>bench/Floor, published, when the run starts the design's floors (the idle breakdown).</summary>
        public string? FloorDll { get; init; }
    }

    static class Setup
    {
        private const string PortkeyPackage = "@portkey-ai/gateway@1.15.2";

        public static async Task<BuiltEnv> Build(string repo, string cache, bool alsoJitBuild = false, bool portkey = true, bool floors = false)
        {
            var benchDir = Path.Combine(repo, "bench");
            foreach (var proj in new[] { "FakeUpstream", "Yarp" })
            {
                Console.WriteLine($"build: bench/{proj} (Release)");
                var (code, tail) = await Children.RunToEnd("build-" + proj, "dotnet", ["build", Path.Combine(benchDir, proj), "-c", "Release", "-nologo", "-v", "q"], TimeSpan.FromMinutes(5));
                if (code != 0) throw new InvalidOperationException($"building bench/{proj} failed:\n{tail}");
            }
            var commit = (await Git(repo, "rev-parse", "--short", "HEAD")).Trim();
            var dirty = (await Git(repo, "status", "--porcelain", "--", "src")).Trim().Length > 0;

            // The router runs as it is deployed: `dotnet publish -c Release` (ReadyToRun, see Router.Http.csproj), as scripts/router.sh and the Dockerfile do.
            Console.WriteLine("build: src/Router.Http (dotnet publish -c Release into bench/.cache/router-publish)");
            string routerDll, source;
            var publishDir = Path.Combine(cache, "router-publish");
            var (rc, rtail) = await PublishRouter("build-router", Path.Combine(repo, "src", "Router.Http"), publishDir);
            if (rc == 0)
            {
                routerDll = Path.Combine(publishDir, "router.dll");
                source = dirty ? $"working tree (HEAD {commit} + uncommitted changes in src/)" : $"working tree = HEAD {commit}";
            }
            else
            {
                // src/ is being edited and does not compile right now: benchmark the last commit instead, built from a snapshot in bench/.cache.
                Console.WriteLine($"build: the working tree's router does not build ({FirstError(rtail)}); building HEAD {commit} from a snapshot");
                var snap = Path.Combine(cache, "router-head");
                if (Directory.Exists(snap)) Directory.Delete(snap, true);
                Directory.CreateDirectory(snap);
                var tar = Path.Combine(cache, "router-head.tar");
                var (ac, atail) = await Children.RunToEnd("git-archive", "git", ["-C", repo, "archive", "-o", tar, "HEAD", "src", "hocon", "Directory.Build.props", "Directory.Packages.props"], TimeSpan.FromMinutes(1));
                if (ac != 0) throw new InvalidOperationException("git archive failed: " + atail);
                var (tc, ttail) = await Children.RunToEnd("untar", "tar", ["-xf", tar, "-C", snap], TimeSpan.FromMinutes(1));
                if (tc != 0) throw new InvalidOperationException("tar failed: " + ttail);
                var (bc, btail) = await PublishRouter("build-router-head", Path.Combine(snap, "src", "Router.Http"), Path.Combine(snap, "publish"));
                if (bc != 0) throw new InvalidOperationException($"neither the working tree nor HEAD's router builds:\n{btail}");
                routerDll = Path.Combine(snap, "publish", "router.dll");
                source = $"HEAD {commit} snapshot (the working tree did not compile: {FirstError(rtail)})";
            }

            string? entry = null, whyNot = null;
            if (!portkey) whyNot = "not needed for this run";
            else try { (entry, whyNot) = await InstallPortkey(repo, cache); }
            catch (Exception e) { whyNot = e.Message; }

            // The design's floors (bench/Floor) are published the way the router is, for the idle breakdown to start beside it.
            string? floorDll = null;
            if (floors)
            {
                Console.WriteLine("build: bench/Floor (dotnet publish -c Release into bench/.cache/floor-publish)");
                var floorDir = Path.Combine(cache, "floor-publish");
                var (fc, ftail) = await PublishRouter("build-floor", Path.Combine(benchDir, "Floor"), floorDir);
                if (fc != 0) throw new InvalidOperationException($"building bench/Floor failed:\n{ftail}");
                floorDll = Path.Combine(floorDir, "Floor.dll");
            }

            string? jitDll = null;
            if (alsoJitBuild)
            {
                Console.WriteLine("build: src/Router.Http (dotnet build -c Release, for --idle-compare)");
                var (jc, jtail) = await Children.RunToEnd("build-router-jit", "dotnet", ["build", Path.Combine(repo, "src", "Router.Http"), "-c", "Release", "-nologo", "-v", "q"], TimeSpan.FromMinutes(10));
                if (jc != 0) throw new InvalidOperationException($"building the router failed:\n{jtail}");
                jitDll = Path.Combine(repo, "src", "Router.Http", "bin", "Release", "net10.0", "router.dll");
            }

            var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
            var mem = File.ReadLines("/proc/meminfo").First().Split(':')[1].Trim();
            var machine = $"{Environment.ProcessorCount} cores ({cpu}), {mem} RAM, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
            return new BuiltEnv(
                Path.Combine(benchDir, "FakeUpstream", "bin", "Release", "net10.0", "FakeUpstream.dll"),
                Path.Combine(benchDir, "Yarp", "bin", "Release", "net10.0", "Yarp.dll"),
                routerDll, source, commit + (dirty ? "+dirty" : ""), entry, whyNot, machine) { RouterJitDll = jitDll, FloorDll = floorDll };
        }

        private static Task<(int Code, string Tail)> PublishRouter(string logName, string project, string output) =>
            Children.RunToEnd(logName, "dotnet", ["publish", project, "-c", "Release", "-o", output, "-nologo", "-v", "q"], TimeSpan.FromMinutes(10));

        private static string FirstError(string tail) =>
            tail.Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase))?.Trim() is { } l
                ? (l.Length > 200 ? l[..200] : l) : "build failed";

        private static async Task<string> Git(string repo, params string[] args)
        {
            var psi = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-C"); psi.ArgumentList.Add(repo);
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var output = await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            return output;
        }

        private static async Task<(string? Entry, string? WhyNot)> InstallPortkey(string repo, string cache)
        {
            var entry = Path.Combine(cache, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
            if (File.Exists(entry)) return (entry, null);
            if (await Which("node") is null) return (null, "node is not installed");
            if (await Which("npm") is null) return (null, "npm is not installed");
            Console.WriteLine($"install: npm install --prefix bench/.cache {PortkeyPackage}");
            var (code, tail) = await Children.RunToEnd("npm-install", "npm", ["install", "--prefix", cache, "--no-audit", "--no-fund", PortkeyPackage], TimeSpan.FromMinutes(5));
            if (code != 0) return (null, "npm install failed: " + tail.Split('\n').LastOrDefault(l => l.Length > 0));
            return File.Exists(entry) ? (entry, null) : (null, $"npm installed the package but {entry} is missing");
        }

        public static async Task<string?> Which(string tool)
        {
            var psi = new ProcessStartInfo("sh") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c"); psi.ArgumentList.Add("command -v " + tool);
            using var p = Process.Start(psi)!;
            var o = (await p.StandardOutput.ReadToEndAsync()).Trim();
            await p.WaitForExitAsync();
            return p.ExitCode == 0 && o.Length > 0 ? o : null;
        }
    }

    /// <summary>Starting the processes under test and waiting for them.</summary>
    static class Procs
    {
        public static readonly HttpClient Probe = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(1) }) { Timeout = TimeSpan.FromSeconds(2) };

        public static void EnsureFree(int port, string what)
        {
            using var c = new TcpClient();
            try
            {
                if (c.ConnectAsync("127.0.0.1", port).Wait(300) && c.Connected)
                    throw new InvalidOperationException($"port {port} (for {what}) is already in use — a stray process from an earlier run? (ss -ltnp 'sport = :{port}')");
            }
            catch (AggregateException) { /* refused: free */ }
        }

        /// <summary>YARP on the load run's port, in front of the fake on its port, pinned to the proxies' core, ready.</summary>
        public static async Task<Child> StartYarp(BuiltEnv env)
        {
            var yarp = Children.Start("yarp", "dotnet", [env.YarpDll, "--port", LoadRun.YarpPort.ToString(), "--upstream", $"http://127.0.0.1:{LoadRun.FakePort}/"], cpu: 1);
            await WaitReady(yarp, $"http://127.0.0.1:{LoadRun.YarpPort}/stats", s => s == 200, TimeSpan.FromSeconds(30));
            return yarp;
        }

        /// <summary>The router on the load run's port with the load run's config (its auth dir fresh), pinned to the proxies' core, ready.</summary>
        public static async Task<(Child Router, string AuthDir)> StartRouter(BuiltEnv env, string cache, IDictionary<string, string>? environment = null)
        {
            var authDir = Path.Combine(Path.GetTempPath(), "router-bench-auth-" + Guid.NewGuid().ToString("N")[..8]);
            var router = Children.Start("router", "dotnet", [env.RouterDll, "--config", WriteRouterConfig(cache, LoadRun.RouterPort, LoadRun.FakePort, authDir)], cpu: 1, env: environment);
            await WaitReady(router, $"http://127.0.0.1:{LoadRun.RouterPort}/v1/health", s => s == 200, TimeSpan.FromSeconds(60));
            return (router, authDir);
        }

        /// <summary>Polls URL until ok(status); returns ms from the child's start, or throws with the child's last output.</summary>
        public static async Task<double> WaitReady(Child c, string url, Func<int, bool> ok, TimeSpan timeout, int pollMs = 10)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                if (!c.Alive) throw new InvalidOperationException($"{c.Name} exited (code {c.Proc.ExitCode}) before it was ready:\n{c.TailText()}");
                try
                {
                    using var r = await Probe.GetAsync(url);
                    if (ok((int)r.StatusCode)) return Stopwatch.GetElapsedTime(c.StartedAt).TotalMilliseconds;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                await Task.Delay(pollMs);
            }
            throw new InvalidOperationException($"{c.Name} was not ready at {url} within {timeout.TotalSeconds:0} s:\n{c.TailText()}");
        }

        public static Child StartFake(BuiltEnv env, int port, int chunks, int delayMs, int? h2cPort = null, int h2cMaxStreams = 100) =>
            Children.Start($"fake-{port}", "dotnet", [env.FakeDll, "--port", port.ToString(), "--chunks", chunks.ToString(), "--delay-ms", delayMs.ToString(),
                .. h2cPort is { } h2c ? new[] { "--h2c-port", h2c.ToString(), "--h2c-max-streams", h2cMaxStreams.ToString() } : []], cpu: 0);

        /// <param name="httpVersion">The providers' `http_version` (e.g. "2" toward the fake's h2c port); the router's default when null.</param>
        /// <summary>The routers' `server.cpu_scheduling` (--router-cpu-scheduling); their default when null.</summary>
        public static string? CpuScheduling;

        /// <summary>What every router config the bench writes adds to its `server:` mapping for <see cref="CpuScheduling"/>.</summary>
        public static string CpuSchedulingEntry => CpuScheduling is null ? "" : $", cpu_scheduling: {CpuScheduling}";

        public static string WriteRouterConfig(string cache, int port, int fakePort, string authDir, string? httpVersion = null)
        {
            var version = httpVersion is null ? "" : $"\n    http_version: \"{httpVersion}\"";
            var path = Path.Combine(cache, $"router-bench-{port}.yaml");
            File.WriteAllText(path, $$"""
                server: { host: 127.0.0.1, port: {{port}}{{CpuSchedulingEntry}} }
                auth: { dir: {{authDir}} }
                logging: { level: warn }
                providers:
                  fake-openai:
                    type: openai
                    base_url: http://127.0.0.1:{{fakePort}}/v1
                    api_keys: [sk-bench]{{version}}
                  fake-anthropic:
                    type: anthropic
                    base_url: http://127.0.0.1:{{fakePort}}
                    api_keys: [sk-bench]{{version}}
                models:
                  routing:
                    - { pattern: "^gpt-", providers: [fake-openai] }
                    - { pattern: "^claude-", providers: [fake-anthropic] }
                """);
            return path;
        }

        public static async Task<long> FakeCount(int fakePort, string counter)
        {
            var json = await Probe.GetStringAsync($"http://127.0.0.1:{fakePort}/stats");
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.GetProperty(counter).GetInt64();
        }
    }

    /// <summary>Samples VmRSS of some processes every 200 ms and keeps each one's peak.</summary>
    sealed class RssSampler : IAsyncDisposable
    {
        private readonly Dictionary<string, int> _pids;
        private readonly Dictionary<string, long> _peakKb = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        public string? Watch; // the name whose fd count is also sampled
        public long PeakFds;

        public RssSampler(Dictionary<string, int> pids)
        {
            _pids = pids;
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    Sample();
                    try { await Task.Delay(200, _stop.Token); } catch (OperationCanceledException) { }
                }
            });
        }

        private void Sample()
        {
            lock (_peakKb)
            {
                foreach (var (name, pid) in _pids)
                {
                    if (Native.StatusKb(pid, "VmRSS") is { } kb && kb > _peakKb.GetValueOrDefault(name)) _peakKb[name] = kb;
                    if (name == Watch)
                    {
                        try { var fds = Directory.GetFiles($"/proc/{pid}/fd").Length; if (fds > PeakFds) PeakFds = fds; } catch { }
                    }
                }
            }
        }

        public long? PeakKb(string name) { lock (_peakKb) return _peakKb.TryGetValue(name, out var v) ? v : null; }

        public async ValueTask DisposeAsync() { _stop.Cancel(); await _loop; Sample(); }
    }
}
