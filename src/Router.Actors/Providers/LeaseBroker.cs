using System.Collections.Concurrent;
using Router.Actors.Accounts;

namespace Router.Actors.Providers;

/// <summary>
/// The per-request fast path of a provider: leases on this node's view of its healthy accounts, handed
/// out without a message to any actor. ProviderActor publishes which accounts qualify after every change
/// of its view: API-key accounts from config, and every other account (a signed-in token, a relay
/// worker, a slot limit) on the account's own word (AccountLoan), a token only until its renewal margin.
/// An account with a slot limit takes its slots from its SlotGate, the count its entity keeps on this
/// node. Successes are counted here and reach their accounts in batches (ProviderActor flushes them
/// every second, and before any other outcome of the same account, so an account sees its calls in
/// order). Every other outcome and every retry goes through the actors as before: accounts stay the
/// owners of cooldown, health and token renewal.
/// </summary>
public sealed class LeaseBroker
{
    private volatile ReadyAccount[] _ready = [];
    private readonly ConcurrentDictionary<string, int> _successes = new();
    // Failed calls per account whose judgement the account has not given yet: not leased here while
    // any is pending (a count, not a flag: two failures and one judgement must not re-admit it).
    private readonly ConcurrentDictionary<string, int> _withdrawn = new();
    // Leases granted here and not yet returned, per account: part of the account's in-flight figure.
    private readonly ConcurrentDictionary<string, int> _inFlight = new();
    private int _turn;

    /// <summary>An account the broker may lease: its credential, when a cooldown it is in ends, and for a loan
    /// (AccountLoan) until when it holds, its headers and credential version, and the gate of its slots.</summary>
    public sealed record ReadyAccount(string EntityId, string Name, string Credential, DateTimeOffset? CooldownUntil,
        DateTimeOffset? Until = null, IReadOnlyDictionary<string, string>? AccountHeaders = null, bool Renewable = false,
        int? CredentialVersion = null, SlotGate? Gate = null)
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
            if (excluded.Contains(account.EntityId) || account.CooldownUntil > now || account.Until <= now || IsWithdrawn(account.EntityId)) continue;
            if (account.Gate is { } gate && !gate.TryTake()) continue;
            _inFlight.AddOrUpdate(account.EntityId, 1, static (_, n) => n + 1);
            return new Lease(Router.Protocols.Ids.Hex(32), account.EntityId, account.Name, account.Credential, account.AccountHeaders, account.Renewable)
            {
                Local = true, CredentialVersion = account.CredentialVersion, Gate = account.Gate,
            };
        }
        return null;
    }

    /// <summary>True for the outcomes that withdraw an account until it has judged them (every failure but the client's own).</summary>
    public static bool Withdraws(CallOutcome? outcome) => outcome is { Kind: not (OutcomeKind.Success or OutcomeKind.ClientError or OutcomeKind.Cancelled) };

    /// <summary>A call on this account failed: the next ones ask the actors until the account has decided what it means.</summary>
    public void Withdraw(string entityId) => _withdrawn.AddOrUpdate(entityId, 1, static (_, n) => n + 1);

    /// <summary>The account has answered one failure's report: once every one is answered, its snapshot in the view is current again.</summary>
    public void Restore(string entityId) => _withdrawn.AddOrUpdate(entityId, 0, static (_, n) => Math.Max(0, n - 1));

    private bool IsWithdrawn(string entityId) => _withdrawn.TryGetValue(entityId, out var pending) && pending > 0;

    /// <summary>A lease granted here is over (whatever its outcome): its slot goes back to the gate it came from.</summary>
    public void Returned(Lease lease)
    {
        lease.Gate?.Release();
        _inFlight.AddOrUpdate(lease.EntityId, 0, static (_, n) => Math.Max(0, n - 1));
    }

    /// <summary>Leases granted here on this account and not yet returned.</summary>
    public int InFlight(string entityId) => _inFlight.TryGetValue(entityId, out var n) ? n : 0;

    public void CountSuccess(string entityId) => _successes.AddOrUpdate(entityId, 1, static (_, n) => n + 1);

    public int TakeSuccesses(string entityId) => _successes.TryRemove(entityId, out var n) ? n : 0;

    public IReadOnlyList<(string EntityId, int Count)> TakeAllSuccesses() =>
        _successes.Keys.Select(id => (id, TakeSuccesses(id))).Where(x => x.Item2 > 0).ToList();
}
