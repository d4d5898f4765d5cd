using Akka;
using Akka.Actor;
using Akka.Event;
using Router.Actors.Configuration;

namespace Router.Actors.Services;

/// <summary>
/// Parent of every side service of this node: one ServiceActor per provider with a `service` or
/// `health_check` block. A service actor that crashes is restarted on its own (its process is
/// stopped first); its siblings are never touched. Status is gathered outside the mailbox with a
/// deadline per service, so one busy service answers "unknown" for itself and nothing fails.
/// The side processes are stopped in the service-stop phase of the actor system's shutdown.
/// </summary>
public sealed class ServiceSupervisor : ReceiveActor
{
    public static readonly TimeSpan StatusDeadline = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StopDeadline = ServiceActor.StopGrace + TimeSpan.FromSeconds(4);

    private readonly Dictionary<string, IActorRef> _services = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ServiceSupervisor(IEnumerable<ProviderConfig> providers, string logDirectory, HttpClient http)
    {
        foreach (var p in providers.Where(p => p.Enabled && p.IsWatched))
            _services[p.Name] = Context.ActorOf(Props.Create(() => new ServiceActor(p.Name, p.Service, p.HealthCheck, logDirectory, http)), Uri.EscapeDataString(p.Name));

        Receive<RestartService>(r =>
        {
            if (_services.TryGetValue(r.Provider, out var service)) service.Forward(r);
            else Sender.Tell(new ServiceUnknown(r.Provider));
        });
        Receive<GetServiceStatuses>(_ =>
        {
            var asks = _services.Select(s => StatusOfAsync(s.Key, s.Value)).ToList();
            Task.WhenAll(asks).PipeTo(Sender, success: statuses => new ServiceStatuses(statuses.OrderBy(s => s.Provider, StringComparer.Ordinal).ToList()));
        });
        Receive<StopServices>(_ =>
        {
            var stops = _services.Values.Select(StopAsync).ToList();
            Task.WhenAll(stops).PipeTo(Sender, success: () => ServicesStopped.Instance);
        });
    }

    protected override void PreStart()
    {
        var self = Self;
        CoordinatedShutdown.Get(Context.System).AddTask(CoordinatedShutdown.PhaseServiceStop, "stop-side-services", async () =>
        {
            await self.Ask<ServicesStopped>(StopServices.Instance, StopDeadline + TimeSpan.FromSeconds(1));
            return Done.Instance;
        });
    }

    // PreStart registered the shutdown task once; a restarted supervisor must not add it again.
    protected override void PostRestart(Exception reason) => _log.Warning("Service supervisor restarted after {0}", reason.GetType().Name);

    /// <summary>
    /// A crashing service actor is restarted, however often: it handles its process's own backoff, and a
    /// limit would leave the provider without its service for good. No other service is affected.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(-1, Timeout.InfiniteTimeSpan, _ => Directive.Restart);

    private static async Task<ServiceStatus> StatusOfAsync(string provider, IActorRef service)
    {
        try
        {
            return await service.Ask<ServiceStatus>(GetServiceStatuses.Instance, StatusDeadline);
        }
        catch (Exception e) when (e is AskTimeoutException or OperationCanceledException)
        {
            return ServiceStatus.Unknown(provider, $"busy: no answer within {StatusDeadline.TotalSeconds:0}s");
        }
    }

    private static async Task StopAsync(IActorRef service)
    {
        try
        {
            await service.Ask<ServicesStopped>(StopServices.Instance, StopDeadline);
        }
        catch (Exception e) when (e is AskTimeoutException or OperationCanceledException)
        {
            // its PostStop stops the process when the actor system terminates
        }
    }
}
