using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Router.Actors.Configuration;
using Router.Actors.Hosting.Cluster;
using Router.Actors.Providers;
using Router.Actors.Routing;

namespace Router.Http.Endpoints;

/// <summary>
/// GET /v1/health: {"router":"healthy","providers":{NAME: health},"cluster":{...}} — no key needed,
/// no secrets. A cluster node that is not (yet, or any more) an Up member answers 503 with the same
/// shape and "router":"not-in-cluster"; an Up member whose shard regions have not registered yet (it
/// cannot locate accounts) answers 503 with "router":"not-ready": a load balancer sends it nothing
/// until it can serve.
/// </summary>
public static class HealthEndpoint
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    public static void Map(WebApplication app) =>
        app.MapGet("/v1/health", async (HttpContext context, IRequiredActor<RoutingActor> routing, ActorSystem system, RouterConfig config) =>
        {
            var cluster = await ClusterView.Of(system, config.Cluster.Enabled).WithShardingAsync(system, AskTimeout);
            var catalog = await routing.ActorRef.Ask<ProviderCatalog>(GetProviders.Instance, AskTimeout, context.RequestAborted);
            var statuses = await Task.WhenAll(catalog.All.Select(p => p.StatusAsync(AskTimeout)));
            var providers = new JsonObject();
            foreach (var status in statuses)
                providers[status.Provider] = status.Health;
            var body = new JsonObject
            {
                ["router"] = cluster.Ready ? "healthy" : cluster.WaitingFor.Count > 0 ? "not-ready" : "not-in-cluster",
                ["providers"] = providers,
                ["cluster"] = cluster.ToJson(),
            };
            await FrontDoor.WriteJsonAsync(context, cluster.Ready ? 200 : 503, JsonSerializer.SerializeToUtf8Bytes(body));
        });
}
