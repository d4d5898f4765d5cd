using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Hosting;
using Router.Actors.Configuration;
using Router.Actors.Providers;
using Router.Actors.Relay;
using Router.Actors.Routing;
using static Router.Http.Endpoints.SignInAnswers;

namespace Router.Http.Relay;

/// <summary>
/// GET {websocket.path} (default /v1/ws): a worker's WebSocket (docs/aistudio.md). The key is checked
/// before the upgrade (401, no frame); `?name=` names the worker, `?provider=` picks its provider (the
/// first enabled aistudio provider by default). The socket then runs until either side closes it.
/// </summary>
public static partial class RelayEndpoint
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex WorkerName();

    public static void Map(WebApplication app, RouterConfig config)
    {
        if (!config.WebSocket.Enabled) return;
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(config.WebSocket.PingInterval) });
        app.MapGet(config.WebSocket.Path, ConnectAsync);
        var workers = app.Services.GetRequiredService<RelayWorkers>();
        app.Lifetime.ApplicationStopping.Register(() => _ = CloseWhenIdleAsync(workers, TimeSpan.FromSeconds(config.Server.ShutdownTimeout)));
    }

    private static async Task ConnectAsync(HttpContext context, RouterConfig config, WorkerGate gate, RelayWorkers workers,
        IRequiredActor<RoutingActor> routing, ILogger<RelayWorkers> log)
    {
        if (!gate.Admits(context))
        {
            await FailAsync(context, 401, gate.Refusal);
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await FailAsync(context, 400, "The relay speaks WebSocket: send a WebSocket upgrade request.");
            return;
        }
        var name = context.Request.Query["name"].ToString();
        if (name.Length == 0) name = "aistudio-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        else if (!WorkerName().IsMatch(name))
        {
            await FailAsync(context, 400, "A worker name (?name=) has 1 to 64 letters, digits, '.', '_', '-' or '@'.");
            return;
        }
        var wanted = context.Request.Query["provider"].ToString();
        var catalog = await routing.ActorRef.Ask<ProviderCatalog>(GetProviders.Instance, AskTimeout, context.RequestAborted);
        var provider = catalog.All.FirstOrDefault(p => p.Definition.Relay is not null && p.Actor is not null && (wanted.Length == 0 || p.Name == wanted));
        if (provider is null)
        {
            await FailAsync(context, 404, "No enabled provider of type aistudio is configured" + (wanted.Length == 0 ? "." : " under the name given."));
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = await workers.ConnectAsync(provider, name, TimeSpan.FromSeconds(config.WebSocket.PingInterval));
        log.LogInformation("Relay worker {Worker} connected to {Provider} as {Account}", name, provider.Name, $"{provider.Name}#{connection.Number}");
        try
        {
            await connection.RunAsync(socket);
        }
        finally
        {
            workers.Disconnected(provider, connection);
            log.LogInformation("Relay worker {Worker} of {Provider} disconnected: {Reason}", name, provider.Name, connection.Closed.IsCompleted ? connection.Closed.Result : "closed");
        }
    }

    /// <summary>On shutdown: requests relayed now finish first (up to shutdown_timeout), then every worker's socket closes.</summary>
    private static async Task CloseWhenIdleAsync(RelayWorkers workers, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (workers.Hub.All.Any(c => c.InFlight > 0) && DateTime.UtcNow < until)
            await Task.Delay(100);
        workers.Disconnect(_ => true, "the router is stopping");
    }
}
