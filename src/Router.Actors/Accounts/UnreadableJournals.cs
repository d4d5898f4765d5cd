using System.Collections.Concurrent;
using Akka.Actor;

namespace Router.Actors.Accounts;

/// <summary>
/// The persistence ids of this actor system whose journal or snapshot could not be read, with why.
/// An account whose recovery failed is marked here before it stops; its next incarnation finds the
/// mark, skips recovery and serves as failed instead of failing (and being restarted) again and again.
/// </summary>
public sealed class UnreadableJournals : IExtension
{
    private readonly ConcurrentDictionary<string, string> _reasons = new(StringComparer.Ordinal);

    public static UnreadableJournals For(ActorSystem system) => system.WithExtension<UnreadableJournals, UnreadableJournalsProvider>();

    public void Mark(string persistenceId, string reason) => _reasons[persistenceId] = reason;

    public string? ReasonFor(string persistenceId) => _reasons.GetValueOrDefault(persistenceId);

    public void Clear(string persistenceId) => _reasons.TryRemove(persistenceId, out _);
}

public sealed class UnreadableJournalsProvider : ExtensionIdProvider<UnreadableJournals>
{
    public override UnreadableJournals CreateExtension(ExtendedActorSystem system) => new();
}
