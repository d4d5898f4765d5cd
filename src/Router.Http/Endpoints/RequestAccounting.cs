using Router.Actors.Dispatch;
using Router.Actors.Telemetry;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Http.Endpoints;

/// <summary>What the handling of one inference request learned as it went, for its metrics and usage.</summary>
public sealed class HandledRequest
{
    /// <summary>The client key's name, once the key was accepted (null: refused, so no usage is kept).</summary>
    public string? ClientKey { get; set; }
    public string? Model { get; set; }
    public DispatchResult? Answer { get; set; }
}

/// <summary>Closes a request's books once its answer is written: metrics, its span, and its usage.</summary>
public static class RequestAccounting
{
    public static void Complete(HttpContext context, IWireFormat format, RequestObservation observation, HandledRequest handled, UsageLedger ledger)
    {
        var status = context.RequestAborted.IsCancellationRequested ? RequestLog.ClientClosedRequest
            : context.Response.HasStarted ? context.Response.StatusCode
            : StatusCodes.Status500InternalServerError;
        var answer = handled.Answer;
        var usage = UsageOf(format, answer);
        var model = RequestObservation.LabelModel(handled.Model, answer);
        observation.Completed(model, handled.ClientKey ?? ClientKeyNameUnknown, answer, status, usage);
        if (handled.ClientKey is { } key)
            ledger.Record(key, model, answer, usage, failed: status >= 400 || answer is StreamAnswer { Usage.Failed: true });
    }

    /// <summary>Stands for the caller of a request refused before its key was accepted.</summary>
    private const string ClientKeyNameUnknown = "none";

    /// <summary>The tokens an answer reported: from the stream as it went by, from translation, or read from the body passed through.</summary>
    public static Usage? UsageOf(IWireFormat format, DispatchResult? answer) => answer switch
    {
        StreamAnswer stream => stream.Usage.Value,
        WholeAnswer { Usage: { } known } => known,
        WholeAnswer { Status: 200 } whole => UsageScan.Read(format, whole.Body.Span),
        _ => null,
    };
}
