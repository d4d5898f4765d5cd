using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Router.Actors.Accounts;

namespace Router.Actors.Telemetry;

/// <summary>
/// The latest state of each account this node hosts, as its actor last described it; read only
/// when /metrics is scraped. An account actor notes itself here whenever it makes a snapshot.
/// </summary>
public static class AccountGauges
{
    /// <summary>One per account, made once; each note only swaps the snapshot it points at.</summary>
    private sealed class Reading(string provider, AccountSnapshot snapshot)
    {
        public string Provider { get; } = provider;
        public volatile AccountSnapshot Snapshot = snapshot;
    }

    private static readonly ConcurrentDictionary<string, Reading> Accounts = new();

    public static void Note(string provider, AccountSnapshot snapshot)
    {
        if (Accounts.TryGetValue(snapshot.EntityId, out var reading)) reading.Snapshot = snapshot;
        else Accounts.TryAdd(snapshot.EntityId, new Reading(provider, snapshot));
    }

    internal static IEnumerable<Measurement<int>> Health() =>
        Accounts.Values.Select(r => new Measurement<int>(Code(r.Snapshot.Health), Tags(r)));

    internal static IEnumerable<Measurement<double>> Cooldown()
    {
        var now = DateTimeOffset.UtcNow;
        return Accounts.Values.Select(r => new Measurement<double>(
            r.Snapshot.CooldownUntil is { } until && until > now ? Math.Round((until - now).TotalSeconds, 1) : 0, Tags(r)));
    }

    private static int Code(AccountHealth health) => health switch
    {
        AccountHealth.Healthy => 2,
        AccountHealth.Degraded => 1,
        _ => 0,
    };

    private static KeyValuePair<string, object?>[] Tags(Reading r) => [new("provider", r.Provider), new("account", r.Snapshot.Name)];
}
