using System.Collections.Concurrent;
using Akka.Actor;
using Router.Actors.Accounts;
using Router.Actors.Providers;

namespace Router.Actors.Dispatch;

/// <summary>
/// The requests of this node that wait for a lease, by correlation id. A requester opens an entry,
/// the inbox completes it with the provider's answer; a requester that stops waiting (its time ran
/// out, its client left) abandons it, and a grant that arrives later finds nobody and is returned.
/// </summary>
public sealed class PendingLeases
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<object>> _waiting = new();
    private long _last;

    public (long CorrelationId, Task<object> Answer) Open()
    {
        var id = Interlocked.Increment(ref _last);
        var answer = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = answer;
        return (id, answer.Task);
    }

    /// <summary>False when nobody waits for this id any more.</summary>
    public bool TryComplete(long correlationId, object answer) =>
        _waiting.TryRemove(correlationId, out var waiting) && waiting.TrySetResult(answer);

    /// <summary>True when the requester gave up before an answer came; false when one came meanwhile (the caller must deal with it).</summary>
    public bool Abandon(long correlationId) => _waiting.TryRemove(correlationId, out _);
}

/// <summary>
/// The one actor per node that lease answers come back to (no temporary actor per request): it hands
/// each answer to the request that waits for it, and gives back at once a lease nobody waits for.
/// </summary>
public sealed class LeaseInbox : ReceiveActor
{
    public LeaseInbox(PendingLeases pending)
    {
        Receive<LeaseGranted>(granted =>
        {
            if (!pending.TryComplete(granted.CorrelationId, granted))
                Sender.Tell(new CallFinished(granted.Lease, CallOutcome.Cancelled));
        });
        Receive<NoAccountAvailable>(none => pending.TryComplete(none.CorrelationId, none));
    }

    public static Props Props(PendingLeases pending) => Akka.Actor.Props.Create(() => new LeaseInbox(pending));
}
