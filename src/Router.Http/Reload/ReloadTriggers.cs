using System.Runtime.InteropServices;

namespace Router.Http.Reload;

/// <summary>
/// What starts a reload besides the endpoint: SIGHUP, and a change to the config file while
/// server.watch_config is true (debounced: an editor's several writes make one reload).
/// </summary>
public sealed class ReloadTriggers(ConfigReloader reloader, IHostApplicationLifetime lifetime, ILogger<ReloadTriggers> log)
    : IHostedLifecycleService, IDisposable
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);

    private PosixSignalRegistration? _hangup;
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;
    private readonly CancellationTokenSource _stopping = new();
    // 1 while a SIGHUP waits to be applied (one that came while the router was starting waits until it has started).
    private int _hangupPending;
    private volatile bool _started;

    /// <summary>
    /// SIGHUP is taken before any hosted service starts, so before the router listens: one sent as soon as it
    /// answers (a service manager's reload right after start) is never left to the signal's default, which
    /// ends the process.
    /// </summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows())
        {
            HangupIgnored.TakeBack();
            _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true; // SIGHUP reloads; it does not end the process
                Volatile.Write(ref _hangupPending, 1);
                if (_started) RunHangupOnce();
            });
        }
        lifetime.ApplicationStarted.Register(() =>
        {
            _started = true;
            RunHangupOnce();
        });
        return Task.CompletedTask;
    }

    /// <summary>
    /// A router started with SIGHUP ignored (under nohup, or from a script that traps it) inherits that, and .NET
    /// leaves an inherited ignored signal alone: no handler, so SIGHUP would silently not reload. The router
    /// reloads on SIGHUP and never ends on it, so it takes the signal back to its default before registering.
    /// </summary>
    private static class HangupIgnored
    {
        private const int Sighup = 1;
        private static readonly nint Default = 0, Ignore = 1;

        [DllImport("libc", EntryPoint = "signal")]
        private static extern nint Signal(int signal, nint handler);

        public static void TakeBack()
        {
            try
            {
                var previous = Signal(Sighup, Default);
                if (previous != Ignore) Signal(Sighup, previous);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
            }
        }
    }

    private void RunHangupOnce()
    {
        if (Interlocked.Exchange(ref _hangupPending, 0) == 1) Run("SIGHUP");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
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

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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
