using System.Collections.Concurrent;
using Router.Actors.Accounts;

namespace Router.Actors.Providers;

/// <summary>
/// The per-request fast path of a provider: leases on this node's view of its API-key accounts that
/// carry no slot limit and are healthy, handed out without a message to any actor. ProviderActor
/// publishes which accounts qualify after every change of its view; successes are counted here and
/// reach their accounts in batches (ProviderActor flushes them every second, and before any other
/// outcome of the same account, so an account sees its calls in order). Every other outcome, every
/// account with a slot limit or a token, and every retry goes through the actors as before: accounts
/// stay the owners of cooldown and health.
/// </summary>
public sealed class LeaseBroker
{
    private volatile ReadyAccount[] _ready = [];
    private readonly ConcurrentDictionary<string, int> _successes = new();
    // Accounts whose last call failed: not leased here until their account has judged the failure.
    private readonly ConcurrentDictionary<string, byte> _withdrawn = new();
    private int _turn;

    /// <summary>An account the broker may lease: its credential, and when a cooldown it is in ends.</summary>
    public sealed record ReadyAccount(string EntityId, string Name, string Credential, DateTimeOffset? CooldownUntil)
    {
        public override string ToString() => $"ReadyAccount {{ {Name} }}";
    }

    public void Publish(ReadyAccount[] ready) => _ready = ready;

    /// <summary>A lease on the next ready account (round robin), or null when the actors must decide.</summary>
    public Lease? TryLease(IReadOnlySet<string> excluded, DateTimeOffset now)
    {
        var ready = _ready;
        for (var i = 0; i < ready.Length; i++)
        {
            var account = ready[(int)((uint)Interlocked.Increment(ref _turn) % (uint)ready.Length)];
            if (excluded.Contains(account.EntityId) || account.CooldownUntil > now || _withdrawn.ContainsKey(account.EntityId)) continue;
            return new Lease(Guid.NewGuid().ToString("N"), account.EntityId, account.Name, account.Credential) { Local = true };
        }
        return null;
    }

    /// <summary>A call on this account failed: the next ones ask the actors until the account has decided what it means.</summary>
    public void Withdraw(string entityId) => _withdrawn[entityId] = 0;

    /// <summary>The account has answered the failure's report: its snapshot in the view is current again.</summary>
    public void Restore(string entityId) => _withdrawn.TryRemove(entityId, out _);

    public void CountSuccess(string entityId) => _successes.AddOrUpdate(entityId, 1, static (_, n) => n + 1);

    public int TakeSuccesses(string entityId) => _successes.TryRemove(entityId, out var n) ? n : 0;

    public IReadOnlyList<(string EntityId, int Count)> TakeAllSuccesses() =>
        _successes.Keys.Select(id => (id, TakeSuccesses(id))).Where(x => x.Item2 > 0).ToList();
}
