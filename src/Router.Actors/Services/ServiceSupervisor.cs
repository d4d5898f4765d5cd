using Akka.Actor;
using Router.Actors.Configuration;

namespace Router.Actors.Services;

/// <summary>
/// Parent of every side service of this node: one ServiceActor per provider with a `service` or
/// `health_check` block. A service actor that crashes is restarted (its process is stopped first).
/// </summary>
public sealed class ServiceSupervisor : ReceiveActor
{
    private readonly Dictionary<string, IActorRef> _services = new();

    public ServiceSupervisor(IEnumerable<ProviderConfig> providers, string logDirectory, HttpClient http)
    {
        foreach (var p in providers.Where(p => p.Enabled && (p.Service is not null || p.HealthCheck is not null)))
            _services[p.Name] = Context.ActorOf(Props.Create(() => new ServiceActor(p.Name, p.Service, p.HealthCheck, logDirectory, http)), Uri.EscapeDataString(p.Name));

        Receive<RestartService>(r =>
        {
            if (_services.TryGetValue(r.Provider, out var service)) service.Forward(r);
            else Sender.Tell(new ServiceUnknown(r.Provider));
        });
        ReceiveAsync<GetServiceStatuses>(async _ =>
        {
            var statuses = await Task.WhenAll(_services.Values.Select(s => s.Ask<ServiceStatus>(GetServiceStatuses.Instance, TimeSpan.FromSeconds(3))));
            Sender.Tell(new ServiceStatuses(statuses.OrderBy(s => s.Provider, StringComparer.Ordinal).ToList()));
        });
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);
}
