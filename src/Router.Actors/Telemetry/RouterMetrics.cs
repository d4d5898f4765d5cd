using System.Diagnostics.Metrics;

namespace Router.Actors.Telemetry;

/// <summary>
/// The router's instruments, on one Meter ("Router"); /metrics shows them in Prometheus form
/// (dots become underscores, counters end in _total, seconds histograms in _seconds).
/// docs/observability.md lists every name and label. Recording costs a few atomic adds and
/// no allocation (labels travel in a TagList); without a listener an instrument is a no-op.
/// </summary>
public static class RouterMetrics
{
    public const string MeterName = "Router";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Seconds, from a fast first token to a long answer.</summary>
    private static readonly InstrumentAdvice<double> LatencyBuckets = new()
    {
        HistogramBucketBoundaries = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300],
    };

    /// <summary>Labels: format (inbound), provider, model, status.</summary>
    public static readonly Counter<long> Requests =
        Meter.CreateCounter<long>("router.requests", "{request}", "Inference requests answered");

    /// <summary>Labels: format, provider, model, status.</summary>
    public static readonly Histogram<double> AnswerDuration =
        Meter.CreateHistogram("router.answer.duration", "s", "Time to a whole (non-stream) answer", advice: LatencyBuckets);

    /// <summary>Labels: format, provider, model.</summary>
    public static readonly Histogram<double> TimeToFirstToken =
        Meter.CreateHistogram("router.stream.time_to_first_token", "s", "Time until a stream's first upstream event was in hand", advice: LatencyBuckets);

    /// <summary>Labels: format, provider, model, status.</summary>
    public static readonly Histogram<double> TimeToLastToken =
        Meter.CreateHistogram("router.stream.time_to_last_token", "s", "Time until a stream's last byte was written", advice: LatencyBuckets);

    /// <summary>Labels: provider, model, key (the client key's name).</summary>
    public static readonly Counter<long> InputTokens =
        Meter.CreateCounter<long>("router.tokens.input", "{token}", "Input (prompt) tokens the upstreams reported");

    /// <summary>Labels: provider, model, key.</summary>
    public static readonly Counter<long> OutputTokens =
        Meter.CreateCounter<long>("router.tokens.output", "{token}", "Output (completion) tokens the upstreams reported");

    /// <summary>Labels: provider. Upstream calls under way (a stream counts until it ends).</summary>
    public static readonly UpDownCounter<long> InFlight =
        Meter.CreateUpDownCounter<long>("router.upstream.in_flight", "{call}", "Upstream calls in flight");

    /// <summary>Labels: provider, outcome (success, client_error, cancelled, rate_limited, unauthorized, transient).</summary>
    public static readonly Counter<long> Attempts =
        Meter.CreateCounter<long>("router.upstream.attempts", "{attempt}", "Upstream attempts by outcome");

    /// <summary>Labels: provider (the one left), reason (the failure kind).</summary>
    public static readonly Counter<long> Failovers =
        Meter.CreateCounter<long>("router.failovers", "{failover}", "Attempts that failed and sent the request on to another account or provider");

    /// <summary>Labels: provider, outcome (ok, refused, failed).</summary>
    public static readonly Counter<long> TokenRenewals =
        Meter.CreateCounter<long>("router.token.renewals", "{renewal}", "Token renewals of signed-in accounts");

    /// <summary>Labels: provider, reason (crash, manual).</summary>
    public static readonly Counter<long> ServiceRestarts =
        Meter.CreateCounter<long>("router.service.restarts", "{restart}", "Side-service restarts");

    static RouterMetrics()
    {
        Meter.CreateObservableGauge("router.account.health", AccountGauges.Health, "{state}",
            "Account health: 2 healthy, 1 degraded, 0 unauthenticated");
        Meter.CreateObservableGauge("router.account.cooldown", AccountGauges.Cooldown, "s",
            "Seconds an account still rests after a rate limit (0 when it is not cooling down)");
        Meter.CreateObservableGauge("router.service.health", ServiceGauges.Health, "{state}",
            "Side-service health: 2 healthy, 1 degraded, 0 down");
        Meter.CreateObservableGauge("router.relay.workers", RelayWorkers.Observe, "{worker}",
            "Relay workers connected, per provider");
    }

    /// <summary>Touches the class so its gauges exist before the first scrape.</summary>
    public static void EnsureCreated() { }
}
