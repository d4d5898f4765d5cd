using Akka.Actor;
using Akka.Cluster.Sharding;

namespace Router.Actors.SignIn;

/// <summary>
/// One started sign-in, as a sharded entity named by its `state`: the single owner of its "used"
/// mark, so a state is taken once across the cluster. Kept in memory only (a sign-in lasts minutes;
/// one whose node dies is started again); it stops itself when it expires or has been taken.
/// </summary>
public sealed class PendingSignInActor : ReceiveActor, IWithTimers
{
    private RememberSignIn? _pending;

    public ITimerScheduler Timers { get; set; } = null!;

    public PendingSignInActor(Func<DateTimeOffset>? clock = null)
    {
        var now = clock ?? (() => DateTimeOffset.UtcNow);
        Receive<RememberSignIn>(r =>
        {
            _pending ??= r;
            Sender.Tell(new SignInRemembered(r.State));
            var left = r.Expires - now();
            Timers.StartSingleTimer("expire", Expired.Instance, left > TimeSpan.Zero ? left : TimeSpan.Zero);
        });
        Receive<TakeSignIn>(t =>
        {
            Sender.Tell(_pending is { } p && p.Expires > now()
                ? new SignInTaken(p.State, p.Provider, p.SealedVerifier, p.Expires)
                : new SignInUnknown(t.State));
            Done();
        });
        Receive<Expired>(_ => Done());
    }

    /// <summary>Forgets the sign-in; later messages to this state start an entity that knows nothing.</summary>
    private void Done()
    {
        _pending = null;
        Timers.CancelAll();
        Context.Parent.Tell(new Passivate(PoisonPill.Instance));
    }

    private sealed class Expired { public static readonly Expired Instance = new(); }
}

/// <summary>Registry key of the pending sign-in shard region.</summary>
public sealed class SignInRegion;

/// <summary>Routes sign-in commands to the entity of their state.</summary>
public sealed class SignInMessageExtractor() : HashCodeMessageExtractor(maxNumberOfShards: 20)
{
    public override string? EntityId(object message) => (message as ISignInCommand)?.State;
}
