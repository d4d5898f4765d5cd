using Router.Actors.Providers;
using Router.Protocols.Canonical;

namespace Router.Actors.Dispatch;

/// <summary>Why one attempt (one account of one provider) did not produce an answer. Never carries a secret.</summary>
public sealed record AttemptFailure(string Where, FailureKind Kind, string Detail, DateTimeOffset? RetryAt = null);

public enum FailureKind { RateLimited, Unauthenticated, Upstream, Timeout, Unavailable }

/// <summary>Turns the failures of every attempt into the one error the client gets.</summary>
public static class FailureSummary
{
    public static AttemptFailure From(NoAccountAvailable none) => none.Reason switch
    {
        NoAccountReason.CoolingDown => new(none.Provider, FailureKind.RateLimited, "every account is cooling down", none.RetryAt),
        NoAccountReason.Unauthenticated => new(none.Provider, FailureKind.Unauthenticated, "no account is signed in with a working credential"),
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
        if (failures.Any(f => f.Kind is FailureKind.Upstream or FailureKind.Timeout))
            return new FailedAnswer(ErrorInfo.BadGateway(message));
        return new FailedAnswer(ErrorInfo.Unavailable(message));
    }
}
