using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Actors.Dispatch;
using Router.Protocols;

namespace Router.Http;

/// <summary>
/// logging.request_log: one JSON line per request an inference endpoint answers (model, provider,
/// account by label, status, latency, tokens) in the router's log, {logging.dir}/router.log. Never a key
/// or a body. The line is written by a middleware around the whole pipeline, in a finally: every answer
/// gets one, a 401 for a bad key, a 400, a 502, a 500 from an unexpected failure alike. A client that
/// went away before the answer was complete is logged with status 499 and "aborted": true, beside the
/// status the router had sent ("sent_status"). The endpoint notes what it learned (Note) before it
/// writes the answer. Token counts come from the answer (whole answers) or from the stream's usage
/// event when the router translated it; a stream passed through untouched has none.
/// </summary>
public sealed class RequestLog(RouterConfig config, ILoggerFactory loggers, Admin.RequestFeed feed)
{
    /// <summary>The status nginx and others log for a client that closed the connection first.</summary>
    public const int ClientClosedRequest = 499;

    private readonly ILogger _log = loggers.CreateLogger("Router.Requests");

    /// <summary>Lines are made when logging.request_log is on, and while the admin page's live tail watches.</summary>
    public bool Enabled => config.Logging.RequestLog || feed.Watched;

    /// <summary>Endpoint metadata: requests to this endpoint are logged.</summary>
    public sealed class Logged
    {
        public static readonly Logged Instance = new();
    }

    /// <summary>What the endpoint knows of a request once it dispatched it; read when the line is written.</summary>
    private sealed record Noted(IWireFormat Format, string Model, DispatchResult Answer);

    /// <summary>Remembers the dispatch result of this request for its log line (call before writing the answer).</summary>
    public void Note(HttpContext context, IWireFormat format, string model, DispatchResult answer)
    {
        if (Enabled) context.Features.Set(new Noted(format, model, answer));
    }

    /// <summary>
    /// The middleware: must run outside the exception handler, so the status it sees is the one the client got.
    /// A request that gets no line is handed straight on (no async state of its own).
    /// </summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next) =>
        !Enabled || context.GetEndpoint()?.Metadata.GetMetadata<Logged>() is null ? next(context) : LoggedAsync(context, next);

    private async Task LoggedAsync(HttpContext context, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        var threw = false;
        try
        {
            await next(context);
        }
        catch
        {
            threw = true;
            throw;
        }
        finally
        {
            Write(context, threw, Stopwatch.GetElapsedTime(started));
        }
    }

    private void Write(HttpContext context, bool threw, TimeSpan latency)
    {
        var noted = context.Features.Get<Noted>();
        var answer = noted?.Answer;
        var sent = threw && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
        var aborted = context.RequestAborted.IsCancellationRequested;
        var usage = noted is null ? null : Endpoints.RequestAccounting.UsageOf(noted.Format, answer);
        var line = new JsonObject
        {
            ["method"] = context.Request.Method,
            ["path"] = context.Request.Path.Value,
            ["model"] = noted?.Model,
            ["provider"] = answer?.Provider,
            ["account"] = answer?.Account,
            ["status"] = aborted ? ClientClosedRequest : sent,
            ["stream"] = answer is StreamAnswer,
            ["latency_ms"] = Math.Round(latency.TotalMilliseconds, 1),
            ["input_tokens"] = usage?.InputTokens,
            ["output_tokens"] = usage?.OutputTokens,
            ["client"] = context.Connection.RemoteIpAddress?.ToString(),
        };
        if (aborted)
        {
            line["aborted"] = true;
            line["sent_status"] = sent;
        }
        if (answer is FailedAnswer failed) line["error"] = failed.Error.Message;
        else if (threw || sent == StatusCodes.Status500InternalServerError) line["error"] = "the router failed to handle the request";
        var json = line.ToJsonString();
        if (config.Logging.RequestLog) _log.LogInformation("request {Line}", json);
        feed.Publish(json);
    }
}

public static class RequestLogPipeline
{
    /// <summary>Adds the request log around everything after it: call before UseExceptionHandler.</summary>
    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app)
    {
        var log = app.ApplicationServices.GetRequiredService<RequestLog>();
        return app.Use(next => context => log.InvokeAsync(context, next));
    }

    /// <summary>Marks an endpoint whose every answer gets a request-log line.</summary>
    public static TBuilder LoggedAsInference<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(RequestLog.Logged.Instance);
}
