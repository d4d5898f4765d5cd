using Router.Actors.Accounts;

namespace Router.Actors.Providers;

/// <summary>A provider's health as /v1/health reports it (docs/http-api.md).</summary>
public static class ProviderHealth
{
    public const string Healthy = "healthy";
    public const string Degraded = "degraded";
    public const string Down = "down";
    public const string Unauthenticated = "unauthenticated";
    public const string Disabled = "disabled";

    /// <summary>
    /// healthy: some account can take a call in good health; degraded: calls may go through but
    /// accounts are failing or cooling down; unauthenticated: every account's credential was refused;
    /// down: no account at all (unauthenticated for a provider whose accounts sign in: nobody has yet),
    /// or every account failed (its stored state cannot be read).
    /// </summary>
    public static string Of(IReadOnlyCollection<AccountSnapshot> accounts, DateTimeOffset now, bool signsIn = false)
    {
        if (accounts.Count == 0) return signsIn ? Unauthenticated : Down;
        if (accounts.Any(a => a.Health == AccountHealth.Healthy && AccountChooser.IsUsable(a, now))) return Healthy;
        if (accounts.All(a => a.Health == AccountHealth.Unauthenticated)) return Unauthenticated;
        if (accounts.All(a => a.Health == AccountHealth.Failed)) return Down;
        return Degraded;
    }
}
