using System.Collections.Concurrent;
using Router.Persistence.Usage;

namespace Router.Actors.Telemetry;

/// <summary>
/// The usage of finished requests not yet taken by the ledger actor, added up where the requests
/// finish: no message and no thread hand-off per request. The ledger actor takes the sums when it
/// writes (every few seconds, on a flush, at shutdown).
/// </summary>
public sealed class UsageTally
{
    private readonly ConcurrentDictionary<UsageKey, UsageCounts> _sums = new();

    public void Add(UsageKey key, UsageCounts counts) => _sums.AddOrUpdate(key, static (_, first) => first, static (_, sum, more) => sum.Add(more), counts);

    /// <summary>
    /// Moves every sum into <paramref name="into"/>. Each key is removed with the sum it had at that
    /// moment, so a request finishing meanwhile lands either in this take or in the next, never in none.
    /// </summary>
    public void TakeInto(Dictionary<UsageKey, UsageCounts> into)
    {
        foreach (var key in _sums.Keys)
            if (_sums.TryRemove(key, out var counts))
                into[key] = into.TryGetValue(key, out var sum) ? sum.Add(counts) : counts;
    }
}
