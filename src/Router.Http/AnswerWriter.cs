using Akka.Actor;
using Akka.Streams;
using Router.Actors.Dispatch;
using Router.Http.Streaming;
using Router.Protocols;

namespace Router.Http;

/// <summary>Writes a dispatch result: JSON, an SSE stream (ResponseStream, one Akka.Streams graph), or an error in the client's format.</summary>
public sealed class AnswerWriter(ActorSystem system)
{
    private readonly StreamHosts _hosts = new(system);

    public async Task WriteAsync(HttpContext context, IWireFormat format, DispatchResult answer)
    {
        switch (answer)
        {
            case WholeAnswer whole:
                await FrontDoor.WriteJsonAsync(context, whole.Status, whole.Body);
                break;
            case FailedAnswer failed:
                await FrontDoor.WriteErrorAsync(context, format, failed.Error, failed.RetryAfter);
                break;
            case StreamAnswer stream:
                await StreamAsync(context, stream);
                break;
        }
    }

    private async Task StreamAsync(HttpContext context, StreamAnswer stream)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var aborted = context.RequestAborted;
        try
        {
            await ResponseStream.RunAsync(stream.Frames, response.BodyWriter, aborted, _hosts);
        }
        catch (Exception) when (aborted.IsCancellationRequested)
        {
            // The client went away; the upstream call was cancelled with it.
        }
    }
}
