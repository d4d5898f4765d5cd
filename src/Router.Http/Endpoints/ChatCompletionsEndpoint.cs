using Router.Actors.Dispatch;
using Router.Actors.Routing;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Http.Endpoints;

/// <summary>POST /v1/chat/completions: OpenAI Chat Completions in, whatever the routed upstream speaks out.</summary>
public static class ChatCompletionsEndpoint
{
    public static void Map(WebApplication app) =>
        app.MapPost("/v1/chat/completions", (HttpContext context, FrontDoor door, RequestDispatcher dispatcher, AnswerWriter writer) =>
            InferenceRequest.HandleAsync(context, WireFormats.OpenAiChat, door, dispatcher, writer));
}

/// <summary>The steps every inference endpoint shares: key, body, decode, model name, dispatch, answer.</summary>
public static class InferenceRequest
{
    public static async Task HandleAsync(HttpContext context, IWireFormat format, FrontDoor door, RequestDispatcher dispatcher, AnswerWriter writer)
    {
        if (!door.IsAuthorized(context.Request))
        {
            await FrontDoor.WriteErrorAsync(context, format, ErrorInfo.Unauthorized("Missing or invalid API key."));
            return;
        }
        var (body, error) = await door.ReadJsonAsync(context);
        if (body is null)
        {
            await FrontDoor.WriteErrorAsync(context, format, error!);
            return;
        }

        ChatRequest request;
        try
        {
            request = format.DecodeRequest(body);
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

        var answer = await dispatcher.DispatchAsync(new InboundCall(format, body, request), context.RequestAborted);
        await writer.WriteAsync(context, format, answer);
    }
}
