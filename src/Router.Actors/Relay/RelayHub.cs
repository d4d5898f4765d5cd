using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Router.Actors.Relay;

/// <summary>
/// This node's connected workers, by provider and name (names ignore case) and by account entity id.
/// A second socket with a worker's name replaces the first. The account actors never hold a socket:
/// a lease carries the worker's entity id, and the call finds the socket here.
/// </summary>
public sealed class RelayHub
{
    // Keyed by entity id, which stands for provider and name.
    private readonly ConcurrentDictionary<string, RelayConnection> _byEntity = new(StringComparer.Ordinal);
    // A worker keeps its label number for the life of the process, across reconnects.
    private readonly ConcurrentDictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private int _lastNumber;

    public IReadOnlyList<RelayConnection> All =>
        _byEntity.Values.OrderBy(c => c.Provider, StringComparer.Ordinal).ThenBy(c => c.Number).ToList();

    public RelayConnection? ByEntity(string entityId) => _byEntity.GetValueOrDefault(entityId);

    /// <summary>`{provider}@relay-{fingerprint of the name}`: entity ids end up in actor paths and logs, names stay out.</summary>
    public static string EntityId(string provider, string name) =>
        $"{provider}@relay-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name.ToLowerInvariant())))[..16]}";

    /// <summary>True when <paramref name="entityId"/> names a relay worker of <paramref name="provider"/>.</summary>
    public static bool IsWorkerOf(string provider, string entityId) => entityId.StartsWith(provider + "@relay-", StringComparison.Ordinal);

    /// <summary>The N of a worker account's label `PROVIDER#N`; null for an entity this node has never seen connect.</summary>
    public int? NumberOf(string entityId) => _numbers.TryGetValue(entityId, out var n) ? n : null;

    /// <summary>Registers a new socket; the one it replaces (same provider and name) is returned, not closed yet.</summary>
    public (RelayConnection Added, RelayConnection? Replaced) Add(string provider, string name, TimeSpan pingInterval)
    {
        var entityId = EntityId(provider, name);
        var number = _numbers.GetOrAdd(entityId, _ => Interlocked.Increment(ref _lastNumber));
        var connection = new RelayConnection(provider, name, entityId, number, pingInterval);
        RelayConnection? replaced = null;
        _byEntity.AddOrUpdate(entityId, connection, (_, old) => { replaced = old; return connection; });
        return (connection, replaced);
    }

    /// <summary>Forgets a closed socket; false when a newer socket of the same worker has replaced it.</summary>
    public bool Remove(RelayConnection connection) =>
        _byEntity.TryRemove(new KeyValuePair<string, RelayConnection>(connection.EntityId, connection));
}
