using Router.Actors.Accounts;

namespace Router.Actors.Providers;

/// <summary>
/// Picks the account for the next call: an unauthenticated API-key account whose probe is due, then healthy before degraded, then the fewest calls in flight,
/// then round robin among equals. Accounts cooling down or unauthenticated are not candidates.
/// </summary>
public sealed class AccountChooser
{
    private int _turn;

    public AccountSnapshot? Choose(IEnumerable<AccountSnapshot> accounts, IReadOnlySet<string> excluded, DateTimeOffset now)
    {
        var candidates = accounts
            .Where(a => !excluded.Contains(a.EntityId) && IsUsable(a, now))
            // A due probe goes first (else it would wait for every healthy account to be busy); a refusal fails over.
            .OrderBy(a => a.Health switch { AccountHealth.Unauthenticated => 0, AccountHealth.Healthy => 1, _ => 2 })
            .ThenBy(a => a.InFlight)
            .ToList();
        if (candidates.Count == 0) return null;

        var best = candidates[0];
        var ties = candidates.TakeWhile(a => a.Health == best.Health && a.InFlight == best.InFlight).ToList();
        return ties[(int)((uint)_turn++ % (uint)ties.Count)];
    }

    /// <summary>Not failed, not cooling down, and not unauthenticated unless its probe is due (the account grants one probe at a time).</summary>
    public static bool IsUsable(AccountSnapshot a, DateTimeOffset now) =>
        a.Health != AccountHealth.Failed && (a.Health != AccountHealth.Unauthenticated || a.NextProbeAt <= now) && !(a.CooldownUntil is { } until && until > now);
}
