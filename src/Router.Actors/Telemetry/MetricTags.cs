using System.Diagnostics;
using Router.Actors.Accounts;
using Router.Actors.Dispatch;
using Router.Protocols;

namespace Router.Actors.Telemetry;

/// <summary>Label values the instruments share; the boxed ones are made once, so recording allocates nothing.</summary>
public static class MetricTags
{
    /// <summary>Stands in for a provider or account when none answered (the model was unknown, every account failed).</summary>
    public const string None = "none";

    private static readonly object[] Statuses = Enumerable.Range(0, 600).Select(s => (object)s.ToString()).ToArray();

    /// <summary>An HTTP status as a label value, without boxing per call.</summary>
    public static object Status(int status) => status is >= 0 and < 600 ? Statuses[status] : status.ToString();

    /// <summary>The inbound format's label: openai-chat, openai-responses, anthropic, gemini.</summary>
    public static string Format(IWireFormat format) =>
        ReferenceEquals(format, WireFormats.OpenAiChat) ? "openai-chat"
        : ReferenceEquals(format, WireFormats.OpenAiResponses) ? "openai-responses"
        : ReferenceEquals(format, WireFormats.AnthropicMessages) ? "anthropic"
        : ReferenceEquals(format, WireFormats.Gemini) ? "gemini"
        : "other";

    private static readonly string[] Outcomes = Enum.GetValues<OutcomeKind>().Select(k => Snake(k.ToString())).ToArray();
    private static readonly string[] Failures = Enum.GetValues<FailureKind>().Select(k => Snake(k.ToString())).ToArray();

    /// <summary>An attempt's outcome: success, client_error, cancelled, rate_limited, unauthorized, transient.</summary>
    public static string Outcome(OutcomeKind kind) => Outcomes[(int)kind];

    /// <summary>Why an attempt failed: rate_limited, unauthenticated, status, refused, reset, timeout, malformed, unavailable, crashed.</summary>
    public static string Failure(FailureKind kind) => Failures[(int)kind];

    private static string Snake(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    public static TagList Provider(string provider) => new() { { "provider", provider } };

    public static TagList ProviderAnd(string provider, string key, object? value) => new() { { "provider", provider }, { key, value } };
}
