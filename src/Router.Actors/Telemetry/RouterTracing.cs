using System.Diagnostics;

namespace Router.Actors.Telemetry;

/// <summary>
/// The router's spans: "router.request" for each inference request, with a "router.attempt" child
/// per upstream attempt. Exported only when telemetry.otlp_endpoint is set; otherwise nothing listens
/// and StartActivity answers null at the cost of one check. Attributes name formats, models,
/// providers, account labels, outcomes and client key names; never a prompt, a key or a token.
/// </summary>
public static class RouterTracing
{
    public const string SourceName = "Router";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartRequest(string format) =>
        Source.StartActivity("router.request", ActivityKind.Server)?.SetTag("router.inbound_format", format);

    public static Activity? StartAttempt(string provider, string account) =>
        Source.StartActivity("router.attempt", ActivityKind.Client)?.SetTag("router.provider", provider).SetTag("router.account", account);

    /// <summary>Closes an attempt span with how the attempt ended.</summary>
    public static void EndAttempt(Activity? attempt, string outcome)
    {
        if (attempt is null) return;
        attempt.SetTag("router.outcome", outcome);
        if (outcome is not ("success" or "client_error" or "cancelled")) attempt.SetStatus(ActivityStatusCode.Error);
        attempt.Stop();
    }
}
