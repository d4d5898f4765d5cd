using Akka.Actor;
using Akka.Persistence;

namespace Router.Actors.Accounts;

// Messages of RosterActor.

public interface IRosterCommand
{
    string Provider { get; }
}

/// <summary>Add (or keep) a signed-in account. Answer: RosterMembers.</summary>
public sealed record JoinRoster(string Provider, string EntityId, string Identity) : IRosterCommand;

/// <summary>Remove a signed-out account. Answer: RosterMembers.</summary>
public sealed record LeaveRoster(string Provider, string EntityId) : IRosterCommand;

/// <summary>Answer: RosterMembers.</summary>
public sealed record GetRoster(string Provider) : IRosterCommand;

public sealed record RosterMember(string EntityId, string Identity);

public sealed record RosterMembers(string Provider, IReadOnlyList<RosterMember> Members);

/// <summary>
/// Which accounts have signed in to one provider: a persistent sharded entity (one per provider, so
/// every node of a cluster sees the same list). Provider actors read it; sign-in and sign-out change it.
/// </summary>
public sealed class RosterActor : ReceivePersistentActor
{
    private readonly Dictionary<string, RosterMember> _members = new();

    public override string PersistenceId { get; }

    public RosterActor(string provider)
    {
        PersistenceId = "roster-" + provider;
        Recover<MemberJoined>(e => _members[e.Member.EntityId] = e.Member);
        Recover<MemberLeft>(e => _members.Remove(e.EntityId));

        Command<JoinRoster>(j =>
        {
            var member = new RosterMember(j.EntityId, j.Identity);
            if (_members.TryGetValue(j.EntityId, out var known) && known == member)
                Sender.Tell(Members(provider));
            else
                Persist(new MemberJoined(member), e => { _members[e.Member.EntityId] = e.Member; Sender.Tell(Members(provider)); });
        });
        Command<LeaveRoster>(l =>
        {
            if (!_members.ContainsKey(l.EntityId))
                Sender.Tell(Members(provider));
            else
                Persist(new MemberLeft(l.EntityId), e => { _members.Remove(e.EntityId); Sender.Tell(Members(provider)); });
        });
        Command<GetRoster>(_ => Sender.Tell(Members(provider)));
    }

    private RosterMembers Members(string provider) =>
        new(provider, _members.Values.OrderBy(m => m.Identity, StringComparer.Ordinal).ToList());

    public sealed record MemberJoined(RosterMember Member);

    public sealed record MemberLeft(string EntityId);
}
