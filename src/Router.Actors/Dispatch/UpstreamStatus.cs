using System.Net.Http.Headers;
using Router.Actors.Accounts;

namespace Router.Actors.Dispatch;

/// <summary>What an upstream's HTTP status means for the account and for failover (docs/configuration.md, failover).</summary>
public static class UpstreamStatus
{
    public static CallOutcome Classify(int status, HttpResponseHeaders headers, DateTimeOffset now) => status switch
    {
        401 or 403 => new(OutcomeKind.Unauthorized, Detail: $"upstream answered {status}"),
        429 => new(OutcomeKind.RateLimited, RetryAfter(headers, now), "upstream answered 429"),
        408 or >= 500 => new(OutcomeKind.Transient, Detail: $"upstream answered {status}"),
        // Redirects are not followed (the body would go to a place nobody configured): the next provider tries.
        >= 300 and < 400 => new(OutcomeKind.Transient, Detail: $"upstream answered {status}, a redirect (check base_url)"),
        _ => CallOutcome.ClientError,
    };

    /// <summary>Retry-After as seconds or an HTTP date; retry-after-ms (OpenAI, Anthropic) when present.</summary>
    public static TimeSpan? RetryAfter(HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.TryGetValues("retry-after-ms", out var ms) && double.TryParse(ms.FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, out var millis) && millis >= 0)
            return TimeSpan.FromMilliseconds(millis);
        return headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
            _ => null,
        };
    }
}
