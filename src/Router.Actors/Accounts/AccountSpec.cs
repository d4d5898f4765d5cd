using System.Security.Cryptography;
using System.Text;

namespace Router.Actors.Accounts;

/// <summary>
/// One account as configured or signed in: its provider, entity id, display name (never the secret),
/// its static credential (an API key; empty for accounts that sign in) and, for those, its token policy.
/// </summary>
public sealed record AccountSpec(
    string Provider, string EntityId, string Name, string Credential, int MaxInFlight, TimeSpan DefaultCooldown, TokenPolicy? Tokens = null)
{
    /// <summary>The <paramref name="index"/>-th API key of a provider. The entity id carries a fingerprint
    /// of the key, so a changed key starts with fresh state.</summary>
    public AccountSpec(string provider, int index, string key, int maxInFlight, TimeSpan defaultCooldown)
        : this(provider, $"{provider}#{index}-{Fingerprint(key)}", $"{provider}#{index}", key, maxInFlight, defaultCooldown)
    {
    }

    /// <summary>An account that signs in, one per identity (an email, a session id): `{provider}@{identity}`.</summary>
    public static AccountSpec SignedIn(string provider, string identity, int maxInFlight, TimeSpan defaultCooldown, TokenPolicy tokens, string seed = "") =>
        new(provider, SignedInEntityId(provider, identity), $"{provider}:{identity}", seed, maxInFlight, defaultCooldown, tokens);

    /// <summary>The identity of an account that signs in (the part after '@'); null for an API-key account.</summary>
    public string? Identity => Tokens is null ? null : EntityId[(Provider.Length + 1)..];

    public static string SignedInEntityId(string provider, string identity) => $"{provider}@{identity}";

    public override string ToString() => $"AccountSpec {{ {Name} }}";

    /// <summary>8 hex digits of SHA-256: tells keys apart without revealing them.</summary>
    public static string Fingerprint(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..8];
}

/// <summary>
/// Every account by entity id: configured ones from a table, signed-in ones made on demand by their
/// provider (the shard region asks here when it starts an entity).
/// </summary>
public sealed class AccountDirectory(IEnumerable<AccountSpec> specs, Func<string, AccountSpec?>? signedIn = null)
{
    private readonly Dictionary<string, AccountSpec> _byId = specs.ToDictionary(s => s.EntityId);

    public AccountSpec? Find(string entityId) =>
        _byId.GetValueOrDefault(entityId) ?? signedIn?.Invoke(entityId);

    public IEnumerable<AccountSpec> All => _byId.Values;
}
