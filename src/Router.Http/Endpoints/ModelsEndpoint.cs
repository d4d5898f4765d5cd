using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Router.Actors.Configuration;
using Router.Actors.Routing;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Http.Endpoints;

/// <summary>GET /v1/models: every advertised model (providers' `models` and alias names), OpenAI's list shape.</summary>
public static class ModelsEndpoint
{
    public static void Map(WebApplication app) =>
        app.MapGet("/v1/models", async (HttpContext context, FrontDoor door, IRequiredActor<RoutingActor> routing, RouterConfig config) =>
        {
            if (!door.IsAuthorized(context.Request))
            {
                await FrontDoor.WriteErrorAsync(context, WireFormats.OpenAiChat, ErrorInfo.Unauthorized("Missing or invalid API key."));
                return;
            }
            var list = await routing.ActorRef.Ask<ModelList>(ListModels.Instance, TimeSpan.FromSeconds(5), context.RequestAborted);
            var entries = list.Models
                .Concat(config.Models.Aliases.Keys.Select(alias => (Model: alias, Provider: "alias")))
                .DistinctBy(m => m.Model)
                .Select(m => new JsonObject { ["id"] = m.Model, ["object"] = "model", ["created"] = 0, ["owned_by"] = m.Provider });
            var body = new JsonObject { ["object"] = "list", ["data"] = new JsonArray(entries.ToArray<JsonNode?>()) };
            await FrontDoor.WriteJsonAsync(context, 200, JsonSerializer.SerializeToUtf8Bytes(body));
        });
}
