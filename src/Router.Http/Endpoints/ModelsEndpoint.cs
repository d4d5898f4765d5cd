using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Router.Actors.Configuration;
using Router.Actors.Routing;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Http.Endpoints;

/// <summary>
/// The model lists: GET /v1/models in OpenAI's shape (Anthropic's when `anthropic-version` is sent),
/// GET /v1beta/models in Gemini's shape with each model's providers. Advertised models are the
/// providers' `models` plus alias names.
/// </summary>
public static class ModelsEndpoint
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/v1/models", (HttpContext context, FrontDoor door, IRequiredActor<RoutingActor> routing, RouteTable routes) =>
            context.Request.Headers.ContainsKey("anthropic-version")
                ? ListAsync(context, door, routing, routes, WireFormats.AnthropicMessages, AnthropicShape)
                : ListAsync(context, door, routing, routes, WireFormats.OpenAiChat, OpenAiShape));
        app.MapGet("/v1beta/models", (HttpContext context, FrontDoor door, IRequiredActor<RoutingActor> routing, RouteTable routes) =>
            ListAsync(context, door, routing, routes, WireFormats.Gemini, GeminiShape));
    }

    private static async Task ListAsync(HttpContext context, FrontDoor door, IRequiredActor<RoutingActor> routing, RouteTable routes,
        IWireFormat errorFormat, Func<IReadOnlyList<(string Model, IReadOnlyList<string> Providers)>, JsonObject> shape)
    {
        if (door.Authorize(context) is not { } key)
        {
            await FrontDoor.WriteErrorAsync(context, errorFormat, ErrorInfo.Unauthorized("Missing or invalid API key."));
            return;
        }
        var list = await routing.ActorRef.Ask<ModelList>(ListModels.Instance, TimeSpan.FromSeconds(5), context.RequestAborted);
        var models = list.Models
            .Concat(routes.Aliases.Select(alias => (Model: alias, Provider: "alias")))
            .Where(m => key.Allows(m.Model))
            .GroupBy(m => m.Model)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.Select(m => m.Provider).ToList()))
            .ToList();
        await FrontDoor.WriteJsonAsync(context, 200, JsonSerializer.SerializeToUtf8Bytes(shape(models)));
    }

    private static JsonObject OpenAiShape(IReadOnlyList<(string Model, IReadOnlyList<string> Providers)> models) => new()
    {
        ["object"] = "list",
        ["data"] = Array(models.Select(m => new JsonObject { ["id"] = m.Model, ["object"] = "model", ["created"] = 0, ["owned_by"] = m.Providers[0] })),
    };

    private static JsonObject AnthropicShape(IReadOnlyList<(string Model, IReadOnlyList<string> Providers)> models) => new()
    {
        ["data"] = Array(models.Select(m => new JsonObject
        {
            ["type"] = "model", ["id"] = m.Model, ["display_name"] = m.Model, ["created_at"] = "1970-01-01T00:00:00Z",
        })),
        ["has_more"] = false,
        ["first_id"] = models.FirstOrDefault().Model,
        ["last_id"] = models.LastOrDefault().Model,
    };

    private static JsonObject GeminiShape(IReadOnlyList<(string Model, IReadOnlyList<string> Providers)> models) => new()
    {
        ["models"] = Array(models.Select(m => new JsonObject
        {
            ["name"] = "models/" + m.Model,
            ["displayName"] = m.Model,
            ["supportedGenerationMethods"] = new JsonArray("generateContent", "streamGenerateContent", "countTokens"),
            ["providers"] = new JsonArray(m.Providers.Select(p => (JsonNode)p).ToArray<JsonNode?>()),
        })),
    };

    private static JsonArray Array(IEnumerable<JsonObject> items) => new(items.ToArray<JsonNode?>());
}
