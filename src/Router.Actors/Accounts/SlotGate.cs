using System.Collections.Concurrent;
using Akka.Actor;

namespace Router.Actors.Accounts;

/// <summary>
/// The in-flight count of an account with a slot limit (max_in_flight): one atomic counter in the
/// process where the account entity lives. The account takes its slots here for every lease it
/// grants, and so does the LeaseBroker of a provider on the same node, without a message: the one
/// count covers both, so the limit holds exactly. Providers on other nodes ask the account.
/// </summary>
public sealed class SlotGate(int limit)
{
    private int _inUse;
    private volatile bool _closed;

    public int Limit { get; } = limit;

    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>False once the account that owns it has stopped (or moved): no slot is taken here any more.</summary>
    public bool Open => !_closed;

    /// <summary>Takes a slot if one is free.</summary>
    public bool TryTake()
    {
        while (true)
        {
            var now = Volatile.Read(ref _inUse);
            if (now >= Limit || _closed) return false;
            if (Interlocked.CompareExchange(ref _inUse, now + 1, now) == now) return true;
        }
    }

    /// <summary>Gives a slot back (never below zero).</summary>
    public void Release()
    {
        while (true)
        {
            var now = Volatile.Read(ref _inUse);
            if (now <= 0) return;
            if (Interlocked.CompareExchange(ref _inUse, now - 1, now) == now) return;
        }
    }

    public void Close() => _closed = true;
}

/// <summary>The slot gates of the accounts that live on this node, by entity id (node-local memory only).</summary>
public sealed class SlotGates : IExtension
{
    private readonly ConcurrentDictionary<string, SlotGate> _byEntity = new();

    public static SlotGates For(ActorSystem system) => system.WithExtension<SlotGates, SlotGatesProvider>();

    public SlotGate? Find(string entityId) => _byEntity.TryGetValue(entityId, out var gate) && gate.Open ? gate : null;

    public void Register(string entityId, SlotGate gate) => _byEntity[entityId] = gate;

    /// <summary>The account stopped: its gate closes, and leaves the table unless a newer one replaced it.</summary>
    public void Unregister(string entityId, SlotGate gate)
    {
        gate.Close();
        _byEntity.TryRemove(new KeyValuePair<string, SlotGate>(entityId, gate));
    }
}

public sealed class SlotGatesProvider : ExtensionIdProvider<SlotGates>
{
    public override SlotGates CreateExtension(ExtendedActorSystem system) => new();
}
