using System.Runtime.InteropServices;

namespace Router.Http.Reload;

/// <summary>
/// What starts a reload besides the endpoint: SIGHUP, and a change to the config file while
/// server.watch_config is true (debounced: an editor's several writes make one reload).
/// </summary>
public sealed class ReloadTriggers(ConfigReloader reloader, ILogger<ReloadTriggers> log) : IHostedService, IDisposable
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);

    private PosixSignalRegistration? _hangup;
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;
    private readonly CancellationTokenSource _stopping = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows())
            _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true; // SIGHUP reloads; it does not end the process
                Run("SIGHUP");
            });
        if (reloader.Running.SourcePath is { } path)
        {
            _debounce = new Timer(_ => Run("config file changed"));
            _watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            _watcher.Changed += (_, _) => FileChanged();
            _watcher.Created += (_, _) => FileChanged();
            _watcher.Renamed += (_, _) => FileChanged();
            _watcher.EnableRaisingEvents = true;
        }
        return Task.CompletedTask;
    }

    /// <summary>watch_config is read at each change, so a reload can turn watching on or off.</summary>
    private void FileChanged()
    {
        if (reloader.Running.Server.WatchConfig) _debounce?.Change(Debounce, Timeout.InfiniteTimeSpan);
    }

    private void Run(string trigger) => _ = Task.Run(async () =>
    {
        try
        {
            await reloader.ReloadAsync(trigger, _stopping.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError("Reload ({Trigger}) failed: {Error}", trigger, e.Message);
        }
        catch (OperationCanceledException)
        {
        }
    });

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _hangup?.Dispose();
        _hangup = null;
        _watcher?.Dispose();
        _watcher = null;
        _debounce?.Dispose();
        _debounce = null;
    }
}
