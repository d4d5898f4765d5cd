using System.Security.Cryptography;
using System.Text;

namespace Router.Actors.Accounts;

/// <summary>
/// One account as configured or signed in: its provider, entity id, display name (never the secret),
/// its static credential (an API key; empty for accounts that sign in) and, for those, its token policy.
/// The display name is the account's label, `{provider}#{n}`: the only name clients and logs ever see.
/// API-key accounts are numbered by their place in api_keys; a signed-in account by the roster, in
/// order of sign-in (RosterActor), so an email or a session id never names an account outside the
/// management and sign-in status endpoints.
/// </summary>
public sealed record AccountSpec(
    string Provider, string EntityId, string Name, string Credential, int MaxInFlight, TimeSpan DefaultCooldown, TokenPolicy? Tokens = null)
{
    /// <summary>The first wait before an API-key account refused with 401/403 tries its key again.</summary>
    public static readonly TimeSpan DefaultProbeAfter = TimeSpan.FromMinutes(1);

    /// <summary>The <paramref name="index"/>-th API key of a provider. The entity id carries a fingerprint
    /// of the key, so a changed key starts with fresh state.</summary>
    public AccountSpec(string provider, int index, string key, int maxInFlight, TimeSpan defaultCooldown, TimeSpan? probeAfter = null)
        : this(provider, $"{provider}#{index}-{Fingerprint(key)}", Label(provider, index), key, maxInFlight, defaultCooldown)
    {
        ProbeAfter = probeAfter ?? DefaultProbeAfter;
    }

    /// <summary>API-key accounts only: the first wait before a refused key is tried again (then doubling, at
    /// most an hour). Null for accounts that sign in: they renew their token instead.</summary>
    public TimeSpan? ProbeAfter { get; init; }

    /// <summary>An account that signs in, one per identity (an email, a session id). Its label comes from the
    /// roster once the account knows it (<paramref name="label"/> when known already).</summary>
    public static AccountSpec SignedIn(string provider, string identity, int maxInFlight, TimeSpan defaultCooldown, TokenPolicy tokens, string seed = "", string? label = null) =>
        SignedInEntity(provider, SignedInEntityId(provider, identity), maxInFlight, defaultCooldown, tokens, seed, label) with { Identity = identity };

    /// <summary>A signed-in account known by its entity id only (the shard region starts it): its identity is in its stored credential.</summary>
    public static AccountSpec SignedInEntity(string provider, string entityId, int maxInFlight, TimeSpan defaultCooldown, TokenPolicy tokens, string seed = "", string? label = null) =>
        new(provider, entityId, label ?? UnnumberedLabel(provider), seed, maxInFlight, defaultCooldown, tokens);

    public static string Label(string provider, int number) => $"{provider}#{number}";

    /// <summary>The name of a signed-in account that has not learned its number from the roster yet.</summary>
    public static string UnnumberedLabel(string provider) => $"{provider}#?";

    /// <summary>True for a signed-in account whose label the roster gives.</summary>
    public bool LabelFromRoster => Tokens is not null && Name == UnnumberedLabel(Provider);

    /// <summary>The identity of an account that signs in, when the spec was made from it; null for an API-key account.</summary>
    public string? Identity { get; init; }

    /// <summary>`{provider}@{fingerprint of the identity}`: entity ids end up in actor paths, hence in log lines,
    /// so they carry no email or session id. (Accounts signed in before this kept `{provider}@{identity}`.)</summary>
    public static string SignedInEntityId(string provider, string identity) =>
        $"{provider}@{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..16]}";

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
    private volatile Dictionary<string, AccountSpec> _byId = specs.ToDictionary(s => s.EntityId);
    private volatile Func<string, AccountSpec?>? _signedIn = signedIn;

    public AccountSpec? Find(string entityId) =>
        _byId.GetValueOrDefault(entityId) ?? _signedIn?.Invoke(entityId);

    public IEnumerable<AccountSpec> All => _byId.Values;

    /// <summary>
    /// A reload: the accounts of the new config join (an account with the same entity id keeps its
    /// actor and state); those of removed providers stay findable, so a call still under way on one
    /// can report its outcome.
    /// </summary>
    public void Add(IEnumerable<AccountSpec> specs, Func<string, AccountSpec?> signedIn)
    {
        var merged = new Dictionary<string, AccountSpec>(_byId);
        foreach (var spec in specs) merged[spec.EntityId] = spec;
        _signedIn = signedIn;
        _byId = merged;
    }
}
