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
            var healths = await Task.WhenAll(catalog.All.Select(HealthOf));
            var providers = new JsonObject();
            foreach (var (name, health) in healths)
                providers[name] = health;
            var body = new JsonObject { ["router"] = "healthy", ["providers"] = providers };
            await FrontDoor.WriteJsonAsync(context, 200, JsonSerializer.SerializeToUtf8Bytes(body));
        });

    private static async Task<(string, string)> HealthOf(ProviderHandle provider)
    {
        if (provider.Actor is null) return (provider.Name, ProviderHealth.Disabled);
        try
        {
            var status = await provider.Actor.Ask<ProviderStatus>(GetProviderStatus.Instance, AskTimeout);
            return (provider.Name, status.Health);
        }
        catch (AskTimeoutException)
        {
            return (provider.Name, ProviderHealth.Down);
        }
    }
}
