using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Router.Http.ClientKeys;

/// <summary>
/// The limits of client keys on this node: requests per minute through a partitioned fixed-window
/// limiter (one partition per key name and limit, so a changed limit starts a fresh window), and
/// tokens per UTC day counted from the answers' usage: charged after the answer, a request refused
/// once the day's tokens are spent.
/// </summary>
public sealed class ClientKeyLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<ClientKey> _requests = PartitionedRateLimiter.Create<ClientKey, (string, int)>(key =>
        key.Limits.RequestsPerMinute is { } perMinute
            ? RateLimitPartition.GetFixedWindowLimiter((key.Name, perMinute), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
            })
            : RateLimitPartition.GetNoLimiter((key.Name, 0)));

    private readonly ConcurrentDictionary<string, DayTotal> _tokens = new();
    private readonly Func<DateTimeOffset> _clock;

    public ClientKeyLimiter() : this(() => DateTimeOffset.UtcNow) { }

    public ClientKeyLimiter(Func<DateTimeOffset> clock) => _clock = clock;

    private sealed record DayTotal(DateOnly Day, long Tokens);

    /// <summary>Null when the request may go; else which limit it is over and when to try again.</summary>
    public (string Limit, TimeSpan RetryAfter)? Refuse(ClientKey key)
    {
        var now = _clock();
        if (key.Limits.TokensPerDay is { } perDay && TokensToday(key.Name, now) >= perDay)
            return ($"tokens_per_day ({perDay})", now.UtcDateTime.Date.AddDays(1) - now.UtcDateTime);
        if (key.Limits.RequestsPerMinute is not { } perMinute) return null;
        using var lease = _requests.AttemptAcquire(key);
        if (lease.IsAcquired) return null;
        return ($"requests_per_minute ({perMinute})", lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1));
    }

    /// <summary>Counts an answer's tokens against its key's day.</summary>
    public void Charge(ClientKey key, long tokens)
    {
        if (tokens <= 0 || key.Limits.TokensPerDay is null) return;
        var today = DateOnly.FromDateTime(_clock().UtcDateTime);
        _tokens.AddOrUpdate(key.Name, new DayTotal(today, tokens),
            (_, total) => total.Day == today ? total with { Tokens = total.Tokens + tokens } : new DayTotal(today, tokens));
    }

    public long TokensToday(string name, DateTimeOffset now) =>
        _tokens.TryGetValue(name, out var total) && total.Day == DateOnly.FromDateTime(now.UtcDateTime) ? total.Tokens : 0;

    public void Dispose() => _requests.Dispose();
}
