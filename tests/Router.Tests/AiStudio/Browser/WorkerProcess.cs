using System.Collections.Concurrent;
using System.Diagnostics;
using Router.Actors.Services;
using Router.Tests.Operations;

namespace Router.Tests.AiStudio.Browser;

/// <summary>The AI Studio worker run as the router runs it (`dotnet Router.AiStudioWorker.dll`), stopped by its pid.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    public string Name { get; }
    public string ProfileDir { get; }
    public int Pid => _process.Id;
    public string Output => string.Join('\n', _lines);

    private WorkerProcess(Process process, string name, string profileDir)
    {
        _process = process;
        Name = name;
        ProfileDir = profileDir;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static string WorkerDll => Path.Combine(Built.RepoRoot, "src/Router.AiStudioWorker/bin", Built.Configuration, "net10.0", "Router.AiStudioWorker.dll");

    /// <summary>Starts the worker with no desktop (DISPLAY unset), its auth dir in <paramref name="authDir"/>.</summary>
    public static WorkerProcess Start(string relayUrl, string key, string name, string authDir, string pageUrl)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(WorkerDll);
        foreach (var arg in new[]
                 {
                     "--relay-url", relayUrl, "--name", name, "--auth-dir", authDir, "--page-url", pageUrl,
                     "--signed-in-cookie", FakeAiStudioSite.SessionCookie, "--chromium", Chromium.Path,
                 })
            info.ArgumentList.Add(arg);
        info.Environment["ROUTER_WORKER_KEY"] = key; // as the router passes it: never on a command line
        info.Environment.Remove("DISPLAY");
        info.Environment.Remove("WAYLAND_DISPLAY");
        return new WorkerProcess(Process.Start(info)!, name, Path.Combine(authDir, "aistudio", name));
    }

    /// <summary>The pid of the worker's Chromium (its main process), once it runs.</summary>
    public int? BrowserPid => Router.AiStudioWorker.Profile.BrowserPid(ProfileDir);

    public Task WaitForOutputAsync(string text, int timeoutMs = 60_000) =>
        Fakes.RouterUnderTest.EventuallyAsync(() => Task.FromResult(Output.Contains(text, StringComparison.Ordinal)),
            $"worker output containing '{text}'; output so far:\n{Output}", timeoutMs);

    public async ValueTask DisposeAsync()
    {
        var browser = BrowserPid;
        await ProcessSignals.StopAsync(_process, TimeSpan.FromSeconds(10));
        // The browser goes with the worker's Playwright driver; make sure of it by its pid.
        if (browser is { } pid && ProcessSignals.IsAlive(pid))
            try { Process.GetProcessById(pid).Kill(entireProcessTree: true); } catch (ArgumentException) { }
        _process.Dispose();
    }
}
