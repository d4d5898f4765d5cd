using Router.Protocols.Relay;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Router.Actors.Providers;
using Router.Actors.Relay;
using Router.Actors.Routing;
using static Router.Http.Endpoints.SignInAnswers;

namespace Router.Http.Relay;

/// <summary>
/// AI Studio workers (docs/http-api.md, management key): GET /v1/auth/aistudio/status lists the
/// connected workers, DELETE /v1/auth/aistudio[?worker=] disconnects them, POST
/// /v1/auth/aistudio/login[?worker=] asks them to open a visible browser window for a manual sign-in.
/// </summary>
public static class AiStudioEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public static void Map(WebApplication app)
    {
        app.MapGet("/v1/auth/aistudio/status", StatusAsync);
        app.MapDelete("/v1/auth/aistudio", DisconnectAsync);
        app.MapPost("/v1/auth/aistudio/login", LoginAsync);
    }

    private static async Task StatusAsync(HttpContext context, ManagementGuard guard, RelayWorkers workers, IRequiredActor<RoutingActor> routing)
    {
        if (!await guard.AdmitAsync(context)) return;
        var catalog = await routing.ActorRef.Ask<ProviderCatalog>(GetProviders.Instance, AskTimeout, context.RequestAborted);
        var health = new Dictionary<string, string>();
        foreach (var provider in catalog.All.Where(p => p.Definition.Relay is not null))
            foreach (var account in (await provider.StatusAsync(AskTimeout)).Accounts)
                health[account.EntityId] = account.Health.ToString().ToLowerInvariant();
        var list = new JsonArray(workers.Hub.All.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name,
            ["provider"] = c.Provider,
            ["account"] = $"{c.Provider}#{c.Number}",
            ["connected_since"] = c.ConnectedSince.ToString("O"),
            ["last_pong"] = c.LastPong?.ToString("O"),
            ["in_flight"] = c.InFlight,
            ["health"] = c.Degraded ? "degraded" : health.GetValueOrDefault(c.EntityId, "healthy"),
        }).ToArray());
        await WriteAsync(context, 200, new JsonObject { ["workers"] = list });
    }

    private static async Task DisconnectAsync(HttpContext context, ManagementGuard guard, RelayWorkers workers)
    {
        if (!await guard.AdmitAsync(context)) return;
        var count = workers.Disconnect(Picked(context), "disconnected by an operator");
        await WriteAsync(context, 200, new JsonObject { ["disconnected"] = count });
    }

    private static async Task LoginAsync(HttpContext context, ManagementGuard guard, RelayWorkers workers, IRequiredActor<RoutingActor> routing)
    {
        if (!await guard.AdmitAsync(context)) return;
        var catalog = await routing.ActorRef.Ask<ProviderCatalog>(GetProviders.Instance, AskTimeout, context.RequestAborted);
        var sent = new JsonArray();
        foreach (var connection in workers.Hub.All.Where(Picked(context)))
        {
            var payload = new JsonObject();
            if (catalog.Find(connection.Provider)?.Definition.Config.Extra.GetValueOrDefault("login_url") is string loginUrl)
                payload["login_url"] = loginUrl;
            if (connection.Post(new RelayFrame(Guid.NewGuid().ToString("N"), RelayTypes.Login, payload)))
                sent.Add(connection.Name);
        }
        if (sent.Count == 0)
        {
            await FailAsync(context, 409, "No AI Studio worker is connected" + (context.Request.Query.ContainsKey("worker") ? " under the name given." : ": start one (the provider's service block) first."));
            return;
        }
        await WriteAsync(context, 202, new JsonObject { ["status"] = "sent", ["workers"] = sent });
    }

    /// <summary>Every worker, or the one `?worker=` names (names ignore case).</summary>
    private static Func<RelayConnection, bool> Picked(HttpContext context)
    {
        var worker = context.Request.Query["worker"].ToString();
        return c => worker.Length == 0 || string.Equals(c.Name, worker, StringComparison.OrdinalIgnoreCase);
    }
}
