using Akka.Actor;
using Akka.Persistence;
using Router.Actors.ClusterState;

namespace Router.Actors.Accounts;

// Messages of RosterActor.

public interface IRosterCommand
{
    string Provider { get; }
}

/// <summary>Add (or keep) a signed-in account. Answer: RosterMembers. A new member takes the next number,
/// at least <paramref name="FirstNumber"/> (numbers below it belong to configured accounts).</summary>
public sealed record JoinRoster(string Provider, string EntityId, string Identity, int FirstNumber = 1) : IRosterCommand;

/// <summary>Remove a signed-out account. Answer: RosterMembers.</summary>
public sealed record LeaveRoster(string Provider, string EntityId) : IRosterCommand;

/// <summary>Answer: RosterMembers.</summary>
public sealed record GetRoster(string Provider) : IRosterCommand;

/// <param name="Number">The account's number in its label `{provider}#{n}`: given in order of sign-in, never reused.</param>
public sealed record RosterMember(string EntityId, string Identity, int Number = 0)
{
    public string Label(string provider) => AccountSpec.Label(provider, Number);
}

public sealed record RosterMembers(string Provider, IReadOnlyList<RosterMember> Members);

/// <summary>
/// Which accounts have signed in to one provider: a persistent sharded entity (one per provider, so
/// every node of a cluster sees the same list). Provider actors read it; sign-in and sign-out change it.
/// </summary>
public sealed class RosterActor : ReceivePersistentActor
{
    private readonly Dictionary<string, RosterMember> _members = new();
    // The highest number ever given: a number is never reused, so a label always names one account.
    private int _lastNumber;

    public override string PersistenceId { get; }

    public RosterActor(string provider)
    {
        PersistenceId = "roster-" + provider;
        Recover<MemberJoined>(Joined);
        Recover<MemberLeft>(e => _members.Remove(e.EntityId));

        Command<JoinRoster>(j =>
        {
            if (_members.TryGetValue(j.EntityId, out var known) && known.Identity == j.Identity)
                Sender.Tell(Members(provider));
            else
                Persist(new MemberJoined(new RosterMember(j.EntityId, j.Identity, Math.Max(_lastNumber + 1, j.FirstNumber))), e =>
                {
                    Joined(e);
                    Changed(provider);
                });
        });
        Command<LeaveRoster>(l =>
        {
            if (!_members.ContainsKey(l.EntityId))
                Sender.Tell(Members(provider));
            else
                Persist(new MemberLeft(l.EntityId), e => { _members.Remove(e.EntityId); Changed(provider); });
        });
        Command<GetRoster>(_ => Sender.Tell(Members(provider)));
    }

    /// <summary>Members who joined before numbers existed are numbered in the order they joined.</summary>
    private void Joined(MemberJoined e)
    {
        var member = e.Member.Number > 0 ? e.Member : e.Member with { Number = _lastNumber + 1 };
        _lastNumber = Math.Max(_lastNumber, member.Number);
        _members[member.EntityId] = member;
    }

    /// <summary>Answers the change, and tells the provider actors of every node at once.</summary>
    private void Changed(string provider)
    {
        var members = Members(provider);
        Sender.Tell(members);
        AccountStateTopic.Publish(Context.System, AccountStateTopic.Rosters, members);
    }

    private RosterMembers Members(string provider) =>
        new(provider, _members.Values.OrderBy(m => m.Identity, StringComparer.Ordinal).ToList());

    public sealed record MemberJoined(RosterMember Member);

    public sealed record MemberLeft(string EntityId);
}
