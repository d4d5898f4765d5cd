using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Router.Actors.Configuration;
using Router.Actors.Providers;
using Router.Actors.Hosting;
using Router.Actors.Telemetry;
using Serilog;

namespace Router.Actors.Services;

/// <summary>
/// A provider's side service (docs/configuration.md, http-proxy): starts its process, writes its
/// output to {logging.dir}/NAME.log (rotated), checks health_check.url, restarts it with exponential
/// backoff when it exits, and stops it when the router stops. Publishes ServiceHealthChanged so the
/// provider stops taking calls while the service is not healthy (routing then fails over).
/// Health: down (no process), degraded (running, health check failing or not passed yet), healthy.
/// A provider with a health_check and no service is just checked.
/// Nothing here blocks the mailbox: stopping a process (SIGTERM, grace, kill) and health checks run
/// as tasks whose outcome comes back as a message, so status questions are answered at once.
/// </summary>
public sealed class ServiceActor : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan FastCheckEvery = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private readonly string _provider;
    private readonly ServiceConfig? _service;
    private readonly HealthCheckConfig? _check;
    private readonly HttpClient _http;
    private readonly string _logFile;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private Serilog.Core.Logger? _output;
    private Process? _process;
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _nextStartAt;
    private TimeSpan? _backoff;
    private int _restarts;
    private int _crashStreak;
    private string? _lastExit;
    private bool? _lastCheckOk;
    private string? _lastCheckDetail;
    private string? _published;
    private int? _stoppingPid;
    private bool _shuttingDown;
    private readonly List<IActorRef> _restartWaiters = new();
    private IActorRef? _shutdownWaiter;

    public ITimerScheduler Timers { get; set; } = null!;

    public ServiceActor(string provider, ServiceConfig? service, HealthCheckConfig? check, string logDirectory, HttpClient http)
    {
        _provider = provider;
        _service = service;
        _check = check;
        _http = http;
        _logFile = Path.Combine(logDirectory, provider + ".log");

        Receive<StartNow>(_ => Start());
        Receive<Exited>(OnExited);
        Receive<CheckNow>(_ => Check());
        Receive<CheckResult>(OnCheckResult);
        Receive<RestartService>(_ => Restart());
        Receive<OldProcessStopped>(OnOldProcessStopped);
        Receive<StopServices>(_ => StopForShutdown());
        Receive<GetServiceStatuses>(_ => Sender.Tell(Status()));
        Receive<ServiceHealthWanted>(w => { if (w.Provider == _provider) Publish(); });
    }

    protected override void PreStart()
    {
        if (_service is { AutoStart: true }) Self.Tell(StartNow.Instance);
        if (_check is not null)
        {
            Self.Tell(CheckNow.Instance);
            Timers.StartPeriodicTimer("check", CheckNow.Instance, TimeSpan.FromSeconds(_check.Interval));
        }
        Context.System.EventStream.Subscribe(Self, typeof(ServiceHealthWanted));
        Publish();
    }

    /// <summary>
    /// A process still running here (the actor crashed, or shutdown skipped StopServices) is stopped in the
    /// background; the log output closes once it is gone.
    /// </summary>
    protected override void PostStop()
    {
        var output = _output;
        if (_process is { } process)
        {
            _log.Info("Service {0}: stopping (pid {1})", _provider, process.Id);
            _process = null;
            ProcessSignals.StopAsync(process, StopGrace).ContinueWith(_ =>
            {
                process.Dispose();
                output?.Dispose();
            }, TaskScheduler.Default);
        }
        else
        {
            output?.Dispose();
        }
    }

    private void Start()
    {
        if (_service is null || _process is not null || _stoppingPid is not null || _shuttingDown) return;
        _nextStartAt = null;
        OwnerOnlyLogFiles.EnsureDirectory(Path.GetDirectoryName(_logFile)!);
        _output ??= new LoggerConfiguration()
            .WriteTo.File(_logFile, outputTemplate: "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} {Message:l}{NewLine}",
                fileSizeLimitBytes: 10 * 1024 * 1024, rollOnFileSizeLimit: true, retainedFileCountLimit: 5, flushToDiskInterval: TimeSpan.FromSeconds(1),
                hooks: OwnerOnlyLogFiles.Instance)
            .CreateLogger();

        var start = new ProcessStartInfo(ProcessSignals.SessionLauncher ?? "/bin/sh", ShellArguments(_service.Command))
        {
            WorkingDirectory = _service.Cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in _service.StartEnv?.Invoke() ?? new Dictionary<string, string>()) start.Environment[name] = value;
        foreach (var (name, value) in _service.Env) start.Environment[name] = value;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var self = Self;
        var output = _output;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Information("{Line}", e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Information("{Line}", e.Data); };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            ScheduleStart($"could not start: {e.Message}");
            return;
        }
        var pid = process.Id;
        process.Exited += (_, _) => self.Tell(new Exited(pid, SafeExitCode(process)));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        _startedAt = DateTimeOffset.UtcNow;
        _lastCheckOk = null;
        output.Information("{Line}", $"--- router started the service (pid {pid}) ---");
        _log.Info("Service {0}: started (pid {1})", _provider, pid);
        if (_check is not null) Timers.StartPeriodicTimer("fast-check", CheckNow.Instance, FastCheckEvery);
        Publish();
    }

    private void OnExited(Exited exited)
    {
        if (_process?.Id != exited.Pid) return; // a process we stopped on purpose
        _process.Dispose();
        _process = null;
        _startedAt = null;
        _lastExit = $"exit code {exited.Code} at {DateTimeOffset.UtcNow:O}";
        _output?.Information("{Line}", $"--- the service exited with code {exited.Code} ---");
        ScheduleStart($"exited with code {exited.Code}");
    }

    /// <summary>Restart after a crash or a failed start: 1 s, 2 s, 4 s ... up to 60 s; a healthy check resets the streak.</summary>
    private void ScheduleStart(string why)
    {
        _crashStreak++;
        var backoff = TimeSpan.FromTicks(Math.Min(LongestBackoff.Ticks, FirstBackoff.Ticks * (1L << Math.Min(_crashStreak - 1, 20))));
        _nextStartAt = DateTimeOffset.UtcNow + backoff;
        _backoff = backoff;
        _restarts++;
        RouterMetrics.ServiceRestarts.Add(1, MetricTags.ProviderAnd(_provider, "reason", "crash"));
        _log.Warning("Service {0}: {1}; restarting in {2:0.#}s", _provider, why, backoff.TotalSeconds);
        Timers.Cancel("fast-check");
        Timers.StartSingleTimer("start", StartNow.Instance, backoff);
        Publish();
    }

    /// <summary>Stops the process (in the background) and starts it again once it is gone; the caller hears the new status then.</summary>
    private void Restart()
    {
        if (_service is null || _shuttingDown)
        {
            Self.Tell(CheckNow.Instance);
            Sender.Tell(Status());
            return;
        }
        Timers.Cancel("start");
        _crashStreak = 0;
        _restartWaiters.Add(Sender);
        if (_stoppingPid is not null) return; // a restart is already under way
        if (_process is { } process)
        {
            _process = null;
            _startedAt = null;
            _stoppingPid = process.Id;
            _log.Info("Service {0}: restarting, stopping pid {1}", _provider, process.Id);
            Publish();
            StopInBackground(process, () => new OldProcessStopped());
            return;
        }
        OnOldProcessStopped(new OldProcessStopped());
    }

    private void OnOldProcessStopped(OldProcessStopped _)
    {
        _stoppingPid = null;
        if (_shuttingDown)
        {
            _shutdownWaiter?.Tell(ServicesStopped.Instance);
            return;
        }
        _restarts++;
        RouterMetrics.ServiceRestarts.Add(1, MetricTags.ProviderAnd(_provider, "reason", "manual"));
        Start();
        var status = Status();
        foreach (var waiter in _restartWaiters) waiter.Tell(status);
        _restartWaiters.Clear();
    }

    private void StopForShutdown()
    {
        _shuttingDown = true;
        Timers.CancelAll();
        var replyTo = Sender;
        if (_stoppingPid is not null)
        {
            _shutdownWaiter = replyTo; // answered when the restart's stop completes
            return;
        }
        if (_process is not { } process)
        {
            replyTo.Tell(ServicesStopped.Instance);
            return;
        }
        _process = null;
        _startedAt = null;
        _log.Info("Service {0}: stopping (pid {1})", _provider, process.Id);
        StopInBackground(process, () => ServicesStopped.Instance, replyTo);
    }

    /// <summary>SIGTERM, grace, kill — as a task; <paramref name="done"/> goes to <paramref name="recipient"/> (this actor by default) when the process is gone.</summary>
    private void StopInBackground(Process process, Func<object> done, IActorRef? recipient = null)
    {
        ProcessSignals.StopAsync(process, StopGrace)
            .ContinueWith(_ => process.Dispose(), TaskScheduler.Default)
            .PipeTo(recipient ?? Self, success: done);
    }

    private void Check()
    {
        if (_check is null || (_service is not null && _process is null)) return; // no process of ours to check (stopping, or waiting to start)
        var pid = _process?.Id;
        CheckAsync(_check).PipeTo(Self, success: r => r with { Pid = pid });
    }

    private async Task<CheckResult> CheckAsync(HealthCheckConfig check)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(check.Timeout));
        try
        {
            using var response = await _http.GetAsync(check.Url, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            return new CheckResult(response.IsSuccessStatusCode, response.IsSuccessStatusCode ? null : $"health check answered HTTP {(int)response.StatusCode}");
        }
        catch (OperationCanceledException)
        {
            return new CheckResult(false, $"health check timed out after {check.Timeout}s");
        }
        catch (HttpRequestException e)
        {
            return new CheckResult(false, $"health check failed ({e.HttpRequestError})");
        }
    }

    private void OnCheckResult(CheckResult result)
    {
        if (result.Pid != _process?.Id) return; // a check of a process that is gone
        _lastCheckOk = result.Ok;
        _lastCheckDetail = result.Detail;
        if (result.Ok)
        {
            _crashStreak = 0;
            _backoff = null;
            Timers.Cancel("fast-check");
        }
        Publish();
    }

    private string Health() =>
        _service is not null && _process is null ? ProviderHealth.Down
        : _check is null ? ProviderHealth.Healthy
        : _lastCheckOk == true ? ProviderHealth.Healthy
        : _service is null && _lastCheckOk == false ? ProviderHealth.Down
        : ProviderHealth.Degraded;

    private string? Detail() =>
        _stoppingPid is { } stopping ? $"restarting: stopping pid {stopping}"
        : _service is not null && _process is null ? (_nextStartAt is { } at ? $"not running ({_lastExit ?? "not started"}); next start at {at:O}" : "not running")
        : _lastCheckOk == false ? _lastCheckDetail
        : _lastCheckOk is null && _check is not null ? "starting: the health check has not passed yet"
        : null;

    private void Publish()
    {
        var health = Health();
        var detail = Detail();
        if (_published != health) _log.Info("Service {0}: {1}{2}", _provider, health, detail is null ? "" : $" ({detail})");
        _published = health;
        ServiceGauges.Note(_provider, health);
        Context.System.EventStream.Publish(new ServiceHealthChanged(_provider, health, detail));
    }

    private ServiceStatus Status() =>
        new(_provider, Health(), Detail(), _process?.Id, _startedAt, _restarts, _lastExit, _nextStartAt, _backoff, _service is null ? null : _logFile);

    /// <summary>
    /// The service runs in its own session (setsid), so a stop reaches every process it started; a
    /// simple command replaces the shell (exec), so the pid shown is the service's own.
    /// </summary>
    private static string[] ShellArguments(string command)
    {
        var simple = !command.Any(c => c is ';' or '&' or '|' or '\n' or '(' or '`');
        string[] shell = ["/bin/sh", "-c", simple ? "exec " + command : command];
        return ProcessSignals.SessionLauncher is null ? shell[1..] : shell;
    }

    private static int SafeExitCode(Process process)
    {
        try { return process.ExitCode; }
        catch (InvalidOperationException) { return -1; }
    }

    private sealed class StartNow { public static readonly StartNow Instance = new(); }

    private sealed class CheckNow { public static readonly CheckNow Instance = new(); }

    private sealed record Exited(int Pid, int Code);

    private sealed record CheckResult(bool Ok, string? Detail, int? Pid = null);

    private sealed record OldProcessStopped;
}
