using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Actors.Dispatch;
using Router.Protocols;

namespace Router.Http;

/// <summary>
/// logging.request_log: one JSON line per inference request (model, provider, account by name,
/// status, latency, tokens) in the router's log, {logging.dir}/router.log. Never a key or a body.
/// Token counts come from the answer (whole answers) or from the stream's usage event when the
/// router translated it; a stream passed through untouched has none.
/// </summary>
public sealed class RequestLog(RouterConfig config, ILoggerFactory loggers)
{
    private readonly ILogger _log = loggers.CreateLogger("Router.Requests");

    public bool Enabled => config.Logging.RequestLog;

    public void Write(HttpContext context, IWireFormat format, string model, DispatchResult answer, TimeSpan latency)
    {
        if (!Enabled) return;
        var usage = answer switch
        {
            StreamAnswer stream => stream.Usage.Value,
            WholeAnswer { Status: 200 } whole => TryReadUsage(format, whole.Body),
            _ => null,
        };
        var line = new JsonObject
        {
            ["method"] = context.Request.Method,
            ["path"] = context.Request.Path.Value,
            ["model"] = model,
            ["provider"] = answer.Provider,
            ["account"] = answer.Account,
            ["status"] = context.Response.StatusCode,
            ["stream"] = answer is StreamAnswer,
            ["latency_ms"] = Math.Round(latency.TotalMilliseconds, 1),
            ["input_tokens"] = usage?.InputTokens,
            ["output_tokens"] = usage?.OutputTokens,
            ["client"] = context.Connection.RemoteIpAddress?.ToString(),
        };
        if (answer is FailedAnswer failed) line["error"] = failed.Error.Message;
        _log.LogInformation("request {Line}", line.ToJsonString());
    }

    private static Router.Protocols.Canonical.Usage? TryReadUsage(IWireFormat format, ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonNode.Parse(body.Span) is JsonObject json ? format.DecodeResponse(json).Usage : null;
        }
        catch (Exception e) when (e is JsonException or Router.Protocols.Canonical.ProtocolException)
        {
            return null;
        }
    }
}
