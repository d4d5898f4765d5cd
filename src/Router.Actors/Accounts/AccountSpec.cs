using System.Security.Cryptography;
using System.Text;

namespace Router.Actors.Accounts;

/// <summary>
/// One account as configured: which provider, its display name (never the secret) and its credential.
/// The entity id carries a fingerprint of the credential, so a changed key starts with fresh state.
/// </summary>
public sealed record AccountSpec(string Provider, int Index, string Credential, int MaxInFlight, TimeSpan DefaultCooldown)
{
    public string Name => $"{Provider}#{Index}";

    public override string ToString() => $"AccountSpec {{ {Name} }}";

    public string EntityId => $"{Provider}#{Index}-{Fingerprint(Credential)}";

    /// <summary>8 hex digits of SHA-256: tells keys apart without revealing them.</summary>
    public static string Fingerprint(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..8];
}

/// <summary>Every configured account by entity id; the sharding props factory looks specs up here.</summary>
public sealed class AccountDirectory(IEnumerable<AccountSpec> specs)
{
    private readonly Dictionary<string, AccountSpec> _byId = specs.ToDictionary(s => s.EntityId);

    public AccountSpec? Find(string entityId) => _byId.GetValueOrDefault(entityId);

    public IEnumerable<AccountSpec> All => _byId.Values;
}
