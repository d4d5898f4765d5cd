using System.Collections.Frozen;
using System.Security.Cryptography;
using Router.Actors.Configuration;

namespace Router.Http.ClientKeys;

/// <summary>
/// Every client key the router accepts: those of `server.api_keys` and those created through the
/// management API, as an immutable snapshot swapped whole when either changes (a reload, a key
/// created or revoked). A presented key is hashed once, found by its hash and confirmed in constant
/// time. With no key at all, every caller is let in (as <see cref="ClientKey.Open"/>).
/// </summary>
public sealed class ClientKeyring
{
    private sealed record Snapshot(IReadOnlyList<ClientKey> Configured, IReadOnlyList<ClientKey> Managed, FrozenDictionary<UInt128, ClientKey> ByHash);

    private volatile Snapshot _snapshot;

    public ClientKeyring(RouterConfig config) => _snapshot = Build(config.Server.ClientKeys.Select(ClientKey.FromConfig).ToList(), []);

    /// <summary>True when any key exists: a request without one of them is refused.</summary>
    public bool Required => _snapshot.ByHash.Count > 0;

    public IReadOnlyList<ClientKey> Configured => _snapshot.Configured;

    public IReadOnlyList<ClientKey> Managed => _snapshot.Managed;

    /// <summary>The key presented, <see cref="ClientKey.Open"/> when no key is needed, or null when refused.</summary>
    public ClientKey? Authorize(ReadOnlySpan<char> presented, bool present)
    {
        var snapshot = _snapshot;
        if (snapshot.ByHash.Count == 0) return ClientKey.Open;
        if (!present) return null;
        Span<byte> hash = stackalloc byte[KeyHash.Size];
        KeyHash.Compute(presented, hash);
        return snapshot.ByHash.TryGetValue(KeyHash.Prefix(hash), out var key) && CryptographicOperations.FixedTimeEquals(key.Hash, hash)
            ? key
            : null;
    }

    /// <summary>A reload: the keys of the new config replace the old ones.</summary>
    public void ReplaceConfigured(IReadOnlyList<ClientKeyConfig> keys)
    {
        lock (this) _snapshot = Build(keys.Select(ClientKey.FromConfig).ToList(), _snapshot.Managed);
    }

    /// <summary>The managed keys as the store holds them now.</summary>
    public void ReplaceManaged(IReadOnlyList<ClientKey> keys)
    {
        lock (this) _snapshot = Build(_snapshot.Configured, keys);
    }

    /// <summary>A config key's name wins over a managed key of the same name (names are unique at creation, but a reload may add one).</summary>
    private static Snapshot Build(IReadOnlyList<ClientKey> configured, IReadOnlyList<ClientKey> managed)
    {
        var byHash = new Dictionary<UInt128, ClientKey>();
        foreach (var key in configured.Concat(managed.Where(m => configured.All(c => c.Name != m.Name))))
            byHash.TryAdd(KeyHash.Prefix(key.Hash), key);
        return new Snapshot(configured, managed, byHash.ToFrozenDictionary());
    }
}
