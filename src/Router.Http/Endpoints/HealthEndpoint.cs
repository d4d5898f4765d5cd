using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Router.Actors.Providers;
using Router.Actors.Routing;

namespace Router.Http.Endpoints;

/// <summary>GET /v1/health: {"router":"healthy","providers":{NAME: health}} — no key needed, no secrets.</summary>
public static class HealthEndpoint
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    public static void Map(WebApplication app) =>
        app.MapGet("/v1/health", async (HttpContext context, IRequiredActor<RoutingActor> routing) =>
        {
            var catalog = await routing.ActorRef.Ask<ProviderCatalog>(GetProviders.Instance, AskTimeout, context.RequestAborted);
            var statuses = await Task.WhenAll(catalog.All.Select(p => p.StatusAsync(AskTimeout)));
            var providers = new JsonObject();
            foreach (var status in statuses)
                providers[status.Provider] = status.Health;
            var body = new JsonObject { ["router"] = "healthy", ["providers"] = providers };
            await FrontDoor.WriteJsonAsync(context, 200, JsonSerializer.SerializeToUtf8Bytes(body));
        });
}
