using Akka.Actor;
using Router.Actors.Accounts;
using Router.Actors.Providers;

namespace Router.Actors.Dispatch;

/// <summary>
/// How a request takes and gives back leases. A lease comes from the provider's broker when it can
/// grant one (no message at all), else from the provider actor by Tell with a correlation id, the
/// answer coming back through this node's LeaseInbox. The wait is bounded by the caller; a grant
/// that arrives after the caller stopped waiting is returned at once, so no slot is held by nobody.
/// </summary>
public sealed class LeaseClient
{
    private readonly PendingLeases _pending = new();
    private readonly IActorRef _inbox;

    public LeaseClient(ActorSystem system) => _inbox = system.ActorOf(LeaseInbox.Props(_pending), "lease-inbox");

    /// <summary>LeaseGranted or NoAccountAvailable (NoAnswer when nothing came within <paramref name="within"/>).</summary>
    public async ValueTask<object> LeaseAsync(ProviderHandle provider, IReadOnlySet<string> excluded, string? prefer, TimeSpan within, CancellationToken clientAborted)
    {
        if (prefer is null && provider.Broker?.TryLease(excluded, DateTimeOffset.UtcNow) is { } local)
            return new LeaseGranted(local, null);
        if (within <= TimeSpan.Zero)
            return NoAnswer(provider, within);

        var (correlationId, answer) = _pending.Open();
        provider.Actor!.Tell(new RequestLease(excluded, prefer, correlationId, within), _inbox);
        try
        {
            return await answer.WaitAsync(within, clientAborted);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            if (!_pending.Abandon(correlationId) && await answer is LeaseGranted late)
                Finish(provider, late.Lease, CallOutcome.Cancelled); // it came just as the wait ended
            if (clientAborted.IsCancellationRequested) throw;
            return NoAnswer(provider, within);
        }
    }

    private static NoAccountAvailable NoAnswer(ProviderHandle provider, TimeSpan within) =>
        new(provider.Name, NoAccountReason.NoAnswer, Detail: $"no account answered within {within.TotalSeconds:0.#}s");

    /// <summary>
    /// The call made with a lease is over. A success on a broker lease is only counted; anything else
    /// goes to the account (through its provider). A failure withdraws the account from the broker
    /// until the account has judged it.
    /// </summary>
    public static void Finish(ProviderHandle provider, Lease lease, CallOutcome outcome)
    {
        if (lease.Local) provider.Broker!.Returned(lease);
        if (lease.Local && outcome.Kind == OutcomeKind.Success)
        {
            provider.Broker!.CountSuccess(lease.EntityId);
            return;
        }
        if (LeaseBroker.Withdraws(outcome))
            provider.Broker?.Withdraw(lease.EntityId);
        provider.Actor!.Tell(new CallFinished(lease, outcome));
    }
}
