using System.Text.Json.Nodes;
using Router.Actors.Dispatch;
using Router.Actors.Routing;
using Router.Actors.Telemetry;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Http.Endpoints;

/// <summary>
/// How one inbound endpoint reads its request: the client's wire format, the model when the URL
/// carries it (Gemini), whether the URL decides streaming, and whether it only counts tokens.
/// </summary>
public sealed record InboundRoute(IWireFormat Format, string? ModelFromPath = null, bool? StreamFromPath = null, bool CountOnly = false);

/// <summary>The steps every inference endpoint shares: key, body, decode, model name, dispatch, answer.</summary>
public static class InferenceRequest
{
    /// <summary>Client headers a same-format upstream needs to see (Claude Code's beta features, for one).</summary>
    private static readonly string[] ForwardedHeaders = ["anthropic-beta"];

    public static async Task HandleAsync(HttpContext context, InboundRoute route, FrontDoor door, RequestDispatcher dispatcher, AnswerWriter writer, RequestLog requestLog, UsageLedger usage)
    {
        var observation = new RequestObservation(route.Format);
        var outcome = new HandledRequest();
        try
        {
            var format = route.Format;
            if (door.Authorize(context) is not { } key)
            {
                await FrontDoor.WriteErrorAsync(context, format, ErrorInfo.Unauthorized("Missing or invalid API key."));
                return;
            }
            outcome.ClientKey = key.Name;
            var (body, bytes, error) = await door.ReadRequestAsync(context);
            if (body is null)
            {
                await FrontDoor.WriteErrorAsync(context, format, error!);
                return;
            }

            ChatRequest request;
            try
            {
                request = format.DecodeRequest(BodyToDecode(body, route));
                if (route.StreamFromPath is { } stream) request = request with { Stream = stream };
            }
            catch (ProtocolException e)
            {
                await FrontDoor.WriteErrorAsync(context, format, e.ToError());
                return;
            }
            if (!ModelNames.IsAcceptable(request.Model))
            {
                await FrontDoor.WriteErrorAsync(context, format, ErrorInfo.BadRequest("The model name contains characters or path segments that are not allowed.", "model"));
                return;
            }

            if (!await door.Keys.AdmitAsync(context, format, key, request.Model, limited: !route.CountOnly))
                return;

            Dictionary<string, string>? headers = null;
            foreach (var name in ForwardedHeaders)
                if (context.Request.Headers.TryGetValue(name, out var value))
                    (headers ??= [])[name] = value.ToString();
            var call = new InboundCall(format, body, request, headers) { RawBytes = bytes };
            outcome.Model = request.Model;
            var answer = route.CountOnly
                ? await dispatcher.CountTokensAsync(call, context.RequestAborted)
                : await dispatcher.DispatchAsync(call, context.RequestAborted);
            outcome.Answer = answer;
            observation.Dispatched(request.Model, answer);
            requestLog.Note(context, format, request.Model, answer);
            await writer.WriteAsync(context, format, answer);
            door.Keys.Charge(key, format, answer);
        }
        finally
        {
            RequestAccounting.Complete(context, route.Format, observation, outcome, usage);
        }
    }

    /// <summary>
    /// What the format's decoder reads: the body itself, or a copy completed with what the URL says
    /// (Gemini's model) or a count request leaves out (Anthropic's max_tokens). The client's own body
    /// stays untouched for a same-format upstream.
    /// </summary>
    private static JsonObject BodyToDecode(JsonObject body, InboundRoute route)
    {
        if (route.ModelFromPath is null && !route.CountOnly) return body;
        // Gemini's countTokens may wrap a whole request: {"generateContentRequest": {...}}.
        var copy = (JsonObject)(body["generateContentRequest"] as JsonObject ?? body).DeepClone();
        if (route.ModelFromPath is { } model) copy["model"] = model;
        if (route.CountOnly && copy["max_tokens"] is null) copy["max_tokens"] = 1;
        return copy;
    }
}
