using System.Diagnostics;
using Router.Actors.Providers;

namespace Router.Actors.Dispatch;

/// <summary>
/// The one time budget of a request. It starts when the request is routed and lasts the sum of the
/// `timeout`s of the providers its route may try, so each provider has its own timeout's worth of
/// time, and time one provider did not use (a quick refusal) is left to the next. Every wait takes
/// from what remains — the lease (including an account waiting for its token renewal), the
/// upstream call, a stream to its end — and each wait on a provider is also capped by that
/// provider's own timeout. When nothing remains the client gets 504 in its format.
/// </summary>
public sealed class RequestBudget
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public TimeSpan Total { get; }

    public RequestBudget(TimeSpan total) => Total = total;

    public static RequestBudget For(IEnumerable<ProviderHandle> providers) =>
        new(providers.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Timeout));

    public TimeSpan Remaining
    {
        get
        {
            var left = Total - Stopwatch.GetElapsedTime(_started);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    public bool Exhausted => Remaining == TimeSpan.Zero;

    /// <summary>How long a wait on this provider may last: what remains, at most the provider's timeout.</summary>
    public TimeSpan For(ProviderHandle provider)
    {
        var left = Remaining;
        return left < provider.Timeout ? left : provider.Timeout;
    }
}
