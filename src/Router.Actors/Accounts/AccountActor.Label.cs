using Akka.Actor;
using Akka.Hosting;
using Router.Actors.Hosting;

namespace Router.Actors.Accounts;

/// <summary>
/// The label of a signed-in account (`{provider}#{n}`, n from the roster in order of sign-in): what its
/// leases, snapshots and log lines name it by, never its email or session id. A sign-in brings the label
/// and the account persists it; an account that recovers without one (signed in before labels existed)
/// asks its provider's roster.
/// </summary>
public sealed partial class AccountActor
{
    private static readonly TimeSpan RosterAskTimeout = TimeSpan.FromSeconds(5);

    private void Relabel(string? label)
    {
        if (label is null || label == _state.Label) return;
        _spec = _spec with { Name = label };
        Persist(new AccountLabelled(label), e => _state = _state.Apply(e));
    }

    private void RecoverLabel()
    {
        if (_spec.Tokens is null) return;
        if (_state.Label is { } label)
            _spec = _spec with { Name = label };
        else if (_spec.LabelFromRoster && ActorRegistry.For(Context.System).TryGet<RosterRegion>(out var roster))
            roster.Ask<RosterMembers>(new GetRoster(_spec.Provider), RosterAskTimeout)
                .PipeTo(Self, failure: _ => new RosterMembers("", []));
    }

    private void OnRoster(RosterMembers roster)
    {
        if (_spec.LabelFromRoster && roster.Members.FirstOrDefault(m => m.EntityId == _spec.EntityId) is { } member)
            Relabel(member.Label(roster.Provider));
    }
}
