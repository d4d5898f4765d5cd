using Akka.Actor;
using Akka.Hosting;
using Router.Actors.Configuration;
using Router.Actors.Providers.Types;
using Router.Actors.Services;

namespace Router.Http.Relay;

/// <summary>
/// The worker process of an aistudio provider (its `service` or `worker` block) is an ordinary side
/// service (ServiceActor: logs, restart with backoff), with two differences: it learns where to
/// connect from its environment (docs/aistudio.md: ROUTER_RELAY_URL, ROUTER_WORKER_KEY,
/// ROUTER_WORKER_NAME, ROUTER_PROVIDER, ROUTER_AUTH_DIR, ROUTER_LOGIN_URL), and it starts once the
/// router listens, since only then is the relay's address known (the port may be chosen by the OS).
/// </summary>
public static class WorkerServices
{
    /// <summary>The config the router runs with: aistudio service blocks get their environment and wait for the listening router.</summary>
    public static RouterConfig Prepare(RouterConfig config, RelayAddress address)
    {
        if (!config.WebSocket.Enabled) return config;
        return config with
        {
            Providers = config.Providers.Select(p => IsWorker(p) && p.Service is { } service
                ? p with { Service = service with { AutoStart = false, StartEnv = () => Environment(config, p, address) } }
                : p).ToList(),
        };
    }

    /// <summary>Once the router listens: records the relay's address and starts the workers whose block says auto_start.</summary>
    public static void StartWhenListening(WebApplication app, RouterConfig original, RelayAddress address)
    {
        var toStart = original.WebSocket.Enabled
            ? original.Providers.Where(p => p.Enabled && IsWorker(p) && p.Service is { AutoStart: true }).Select(p => p.Name).ToList()
            : [];
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var bound = RouterHost.BoundAddress(app);
            var host = bound.Host is "0.0.0.0" or "[::]" or "::" ? "127.0.0.1" : bound.Host;
            address.Url = $"ws://{(host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host)}:{bound.Port}{original.WebSocket.Path}";
            if (toStart.Count == 0) return;
            var services = app.Services.GetRequiredService<IRequiredActor<ServiceSupervisor>>().ActorRef;
            foreach (var name in toStart) services.Tell(new RestartService(name), ActorRefs.Nobody);
        });
    }

    private static bool IsWorker(ProviderConfig provider) => ProviderTypes.Find(provider.Type)?.RelayUpstream is not null;

    private static Dictionary<string, string> Environment(RouterConfig config, ProviderConfig provider, RelayAddress address)
    {
        var env = new Dictionary<string, string>
        {
            ["ROUTER_RELAY_URL"] = address.Url ?? "",
            ["ROUTER_WORKER_KEY"] = config.Server.WorkerKeys.FirstOrDefault(k => k.Length > 0) ?? "",
            ["ROUTER_WORKER_NAME"] = provider.Name,
            ["ROUTER_PROVIDER"] = provider.Name,
            ["ROUTER_AUTH_DIR"] = config.Auth.Dir,
        };
        if (provider.Extra.GetValueOrDefault("login_url") is string loginUrl) env["ROUTER_LOGIN_URL"] = loginUrl;
        return env;
    }
}

/// <summary>The relay's WebSocket URL as this router's own workers reach it; null until the router listens.</summary>
public sealed class RelayAddress
{
    public string? Url { get; set; }
}
