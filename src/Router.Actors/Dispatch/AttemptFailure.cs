using Router.Actors.Providers;
using Router.Protocols.Canonical;

namespace Router.Actors.Dispatch;

/// <summary>Why one attempt (one account of one provider) did not produce an answer. Never carries a secret.</summary>
public sealed record AttemptFailure(string Where, FailureKind Kind, string Detail, DateTimeOffset? RetryAt = null);

/// <summary>
/// What went wrong in an attempt: an HTTP status the failover rules name (RateLimited 429,
/// Unauthenticated 401/403, Status 5xx), the connection (Refused, Reset before the first byte),
/// Timeout (the call's own limit or the request's budget), Malformed (not the upstream's format),
/// Unavailable (no account could be leased: none usable, or the actors did not answer), or
/// Crashed (anything else the attempt threw).
/// </summary>
public enum FailureKind { RateLimited, Unauthenticated, Status, Refused, Reset, Timeout, Malformed, Unavailable, Crashed }

/// <summary>Turns the failures of every attempt into the one error the client gets.</summary>
public static class FailureSummary
{
    public static AttemptFailure From(NoAccountAvailable none) => none.Reason switch
    {
        NoAccountReason.CoolingDown => new(none.Provider, FailureKind.RateLimited, "every account is cooling down", none.RetryAt),
        NoAccountReason.Unauthenticated => new(none.Provider, FailureKind.Unauthenticated, "no account is signed in with a working credential"),
        NoAccountReason.NoAnswer => new(none.Provider, FailureKind.Timeout, none.Detail ?? "no account answered in time"),
        _ => new(none.Provider, FailureKind.Unavailable, none.Detail ?? "no account available"),
    };

    public static FailedAnswer ToAnswer(string model, IReadOnlyList<AttemptFailure> failures, DateTimeOffset now)
    {
        if (failures.Count == 0)
            return new FailedAnswer(ErrorInfo.Unavailable($"No enabled provider serves the model '{model}'."));

        var detail = string.Join("; ", failures.Select(f => $"{f.Where}: {f.Detail}"));
        var message = $"No provider could serve the model '{model}' ({detail}).";
        if (failures.All(f => f.Kind == FailureKind.RateLimited))
        {
            var retryAt = failures.Where(f => f.RetryAt is not null).Select(f => f.RetryAt!.Value).DefaultIfEmpty(now + TimeSpan.FromSeconds(1)).Min();
            var wait = retryAt - now;
            return new FailedAnswer(ErrorInfo.RateLimited(message), wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1));
        }
        if (failures[^1].Kind == FailureKind.Timeout)
            return new FailedAnswer(ErrorInfo.GatewayTimeout(message));
        if (failures.Any(f => f.Kind is FailureKind.Status or FailureKind.Refused or FailureKind.Reset or FailureKind.Timeout or FailureKind.Malformed or FailureKind.Crashed))
            return new FailedAnswer(ErrorInfo.BadGateway(message));
        return new FailedAnswer(ErrorInfo.Unavailable(message));
    }
}

/// <summary>Every way an attempt can fail, as the failure it counts as: nothing an attempt throws escapes it.</summary>
public static class AttemptFailures
{
    /// <summary>An exception thrown while calling the upstream or reading its answer up to the first event.</summary>
    /// <param name="timedOut">The attempt's own time limit ran out (not the client leaving).</param>
    public static AttemptFailure FromException(Exception e, bool timedOut, string where, TimeSpan limit) => e switch
    {
        OperationCanceledException when timedOut => new(where, FailureKind.Timeout, $"no answer within {limit.TotalSeconds:0.#}s"),
        OperationCanceledException { InnerException: TimeoutException } => new(where, FailureKind.Refused, "could not connect in time"),
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => new(where, FailureKind.Refused, "connection refused"),
        HttpRequestException h => new(where, FailureKind.Reset, $"connection broke before the answer's headers ({h.HttpRequestError})"),
        IOException => new(where, FailureKind.Reset, "connection broke before the first byte of the answer"),
        System.Text.Json.JsonException or ProtocolException => new(where, FailureKind.Malformed, "answered something that is not its format"),
        _ => new(where, FailureKind.Crashed, $"the attempt failed unexpectedly ({e.GetType().Name})"),
    };

    /// <summary>An upstream status the failover rules name (429, 401/403, 408/5xx).</summary>
    public static AttemptFailure FromStatus(int status, Accounts.CallOutcome outcome, string where, DateTimeOffset now) => outcome.Kind switch
    {
        Accounts.OutcomeKind.RateLimited => new(where, FailureKind.RateLimited, "429", now + (outcome.RetryAfter ?? TimeSpan.FromSeconds(1))),
        Accounts.OutcomeKind.Unauthorized => new(where, FailureKind.Unauthenticated, $"credential refused ({status})"),
        _ => new(where, FailureKind.Status, $"HTTP {status}"),
    };
}
