using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Router.Actors.Services;
using Router.Tests.Operations;

namespace Router.Tests.Cluster;

/// <summary>
/// One router node of a test cluster: the built router (`dotnet router.dll serve`) in its own
/// folder and network namespace, on its own address. Start, SIGKILL, SIGTERM, restart; every
/// process is stopped by its pid. Its console output is kept for the test to search.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public string Name { get; }
    public NodeAddress Net { get; }
    public string Dir { get; }
    public int HttpPort { get; }
    public int AkkaPort { get; }
    public HttpClient Http { get; }

    /// <summary>Every line the node printed, across restarts.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    public bool Running => _process is { HasExited: false };

    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    public string AkkaAddress => $"akka.tcp://router@{Net.Address}:{AkkaPort}";

    public ClusterNode(string name, NodeAddress net, string dir, int httpPort, int akkaPort, string apiKey)
    {
        (Name, Net, Dir, HttpPort, AkkaPort) = (name, net, dir, httpPort, akkaPort);
        Http = new HttpClient { BaseAddress = new Uri($"http://{net.Address}:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public void Start()
    {
        if (Running) throw new InvalidOperationException($"{Name} is already running");
        var command = ClusterNetwork.Wrap(Net, "dotnet", [Built.RouterDll, "serve", "--config", Path.Combine(Dir, "config.unified.yaml")]).ToList();
        var info = new ProcessStartInfo(command[0]) { WorkingDirectory = Dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command.Skip(1)) info.ArgumentList.Add(a);
        info.Environment["DOTNET_gcServer"] = "0";
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Append($"---- {Name} started, pid {process.Id} ----");
        _process = process;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>SIGKILL: the node dies with no word to its peers.</summary>
    public void Kill()
    {
        if (_process is not { HasExited: false } p) return;
        p.Kill(entireProcessTree: true);
        p.WaitForExit(TimeSpan.FromSeconds(10));
        Append($"---- {Name} killed ----");
    }

    /// <summary>SIGTERM (what `router stop` sends) and the wait for the process to exit; returns how long it took.</summary>
    public async Task<TimeSpan> StopAsync(TimeSpan? within = null)
    {
        if (_process is not { HasExited: false } p) return TimeSpan.Zero;
        var watch = Stopwatch.StartNew();
        ProcessSignals.Terminate(p.Id);
        try
        {
            await p.WaitForExitAsync().WaitAsync(within ?? TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            Kill();
        }
        return watch.Elapsed;
    }

    /// <summary>Waits for the node's process to exit on its own (downed, failed); false when it did not within the time.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan within)
    {
        if (_process is null) return true;
        try
        {
            await _process.WaitForExitAsync().WaitAsync(within);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>GET /v1/health: the status code and the body (null when nothing answered).</summary>
    public async Task<(HttpStatusCode? Status, JsonObject? Body)> HealthAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var response = await Http.GetAsync("/v1/health", timeout.Token);
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(timeout.Token)) as JsonObject);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>The members this node sees as Up and reachable, by address.</summary>
    public async Task<IReadOnlySet<string>> UpMembersAsync()
    {
        var (status, body) = await HealthAsync();
        if (status != HttpStatusCode.OK || body?["cluster"]?["members"] is not JsonArray members) return new HashSet<string>();
        return members.Where(m => m!["status"]!.GetValue<string>() == "up" && m["reachable"]!.GetValue<bool>())
            .Select(m => m!["address"]!.GetValue<string>()).ToHashSet();
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        Http.Dispose();
        await Task.CompletedTask;
    }
}
