using Router.Actors.Dispatch;
using Router.Actors.Telemetry;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Http.Endpoints;

/// <summary>Every inbound inference endpoint of docs/http-api.md, each with its client's wire format.</summary>
public static class InferenceEndpoints
{
    public static void Map(WebApplication app)
    {
        Post(app, "/v1/chat/completions", _ => new InboundRoute(WireFormats.OpenAiChat));
        Post(app, "/v1/responses", _ => new InboundRoute(WireFormats.OpenAiResponses));
        Post(app, "/v1/messages", _ => new InboundRoute(WireFormats.AnthropicMessages));
        Post(app, "/v1/messages/count_tokens", _ => new InboundRoute(WireFormats.AnthropicMessages, CountOnly: true));
        // Gemini puts model and method in the last segment: models/{model}:{method}, under v1beta and v1.
        Post(app, "/v1beta/models/{target}", GeminiRoute);
        Post(app, "/v1/models/{target}", GeminiRoute);
    }

    private static void Post(WebApplication app, string pattern, Func<HttpContext, InboundRoute?> route) =>
        app.MapPost(pattern, (HttpContext context, FrontDoor door, RequestDispatcher dispatcher, AnswerWriter writer, RequestLog requestLog, UsageLedger usage) =>
            route(context) is { } inbound
                ? InferenceRequest.HandleAsync(context, inbound, door, dispatcher, writer, requestLog, usage)
                : FrontDoor.WriteErrorAsync(context, WireFormats.Gemini, new ErrorInfo(404, ErrorKind.NotFound,
                    "Unknown method: use models/{model}:generateContent, :streamGenerateContent or :countTokens.")))
            .LoggedAsInference();

    private static InboundRoute? GeminiRoute(HttpContext context)
    {
        var target = (string)context.Request.RouteValues["target"]!;
        var colon = target.LastIndexOf(':');
        if (colon <= 0) return null;
        var model = target[..colon];
        return target[(colon + 1)..] switch
        {
            "generateContent" => new InboundRoute(WireFormats.Gemini, model, StreamFromPath: false),
            "streamGenerateContent" => new InboundRoute(WireFormats.Gemini, model, StreamFromPath: true),
            "countTokens" => new InboundRoute(WireFormats.Gemini, model, CountOnly: true),
            _ => null,
        };
    }
}
