using System.Diagnostics;
using Router.Actors.Dispatch;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Actors.Telemetry;

/// <summary>
/// What one inference request leaves in the metrics and its span: started when the request arrives,
/// told when the dispatcher answered (a stream's first event is in hand then) and when the answer is
/// written. A struct on the caller's stack: it allocates nothing beyond the span, which exists only
/// when traces are exported.
/// </summary>
public readonly struct RequestObservation
{
    private readonly long _started;
    private readonly string _format;
    private readonly Activity? _activity;

    public RequestObservation(IWireFormat format)
    {
        _started = Stopwatch.GetTimestamp();
        _format = MetricTags.Format(format);
        _activity = RouterTracing.StartRequest(_format);
    }

    /// <summary>The dispatcher answered: for a stream, its first upstream event is in hand.</summary>
    public void Dispatched(string model, DispatchResult answer)
    {
        if (answer is StreamAnswer)
            RouterMetrics.TimeToFirstToken.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds,
                new TagList { { "format", _format }, { "provider", answer.Provider ?? MetricTags.None }, { "model", model } });
    }

    /// <summary>
    /// The answer is written (or the request was refused before dispatch: answer null). The model label
    /// is "none" unless a provider was involved, so made-up model names do not grow the series.
    /// </summary>
    public void Completed(string? model, string keyName, DispatchResult? answer, int status, Usage? usage)
    {
        var elapsed = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var provider = answer?.Provider ?? MetricTags.None;
        var modelLabel = LabelModel(model, answer);
        var tags = new TagList { { "format", _format }, { "provider", provider }, { "model", modelLabel }, { "status", MetricTags.Status(status) } };
        RouterMetrics.Requests.Add(1, tags);
        (answer is StreamAnswer ? RouterMetrics.TimeToLastToken : RouterMetrics.AnswerDuration).Record(elapsed, tags);
        if (usage is not null)
        {
            var tokenTags = new TagList { { "provider", provider }, { "model", modelLabel }, { "key", keyName } };
            RouterMetrics.InputTokens.Add(usage.InputTokens, tokenTags);
            RouterMetrics.OutputTokens.Add(usage.OutputTokens, tokenTags);
        }
        if (_activity is { } span)
        {
            span.SetTag("router.model", modelLabel);
            span.SetTag("router.provider", provider);
            span.SetTag("router.account", answer?.Account);
            span.SetTag("router.client_key", keyName);
            span.SetTag("router.stream", answer is StreamAnswer);
            span.SetTag("http.response.status_code", status);
            if (usage is not null)
            {
                span.SetTag("gen_ai.usage.input_tokens", usage.InputTokens);
                span.SetTag("gen_ai.usage.output_tokens", usage.OutputTokens);
            }
            if (status >= 500 || answer is StreamAnswer { Usage.Failed: true }) span.SetStatus(ActivityStatusCode.Error);
            span.Stop();
        }
    }

    /// <summary>The model's label: the client's name when a provider was routed to, else "none".</summary>
    public static string LabelModel(string? model, DispatchResult? answer) =>
        model is not null && (answer?.Provider is not null || answer is FailedAnswer { Error.Status: not 404 }) ? model : MetricTags.None;
}
