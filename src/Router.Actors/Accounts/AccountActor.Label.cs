using Akka.Actor;
using Akka.Hosting;
using Router.Actors.Hosting;

namespace Router.Actors.Accounts;

/// <summary>
/// The label of a signed-in account (`{provider}#{n}`, n from the roster in order of sign-in): what its
/// leases, snapshots and log lines name it by, never its email or session id. A sign-in brings the label;
/// an account that starts without one (after a restart) asks its provider's roster.
/// </summary>
public sealed partial class AccountActor
{
    private static readonly TimeSpan RosterAskTimeout = TimeSpan.FromSeconds(5);

    private void Relabel(string? label)
    {
        if (label is not null && label != _spec.Name) _spec = _spec with { Name = label };
    }

    private void AskRosterForLabel()
    {
        if (!_spec.LabelFromRoster || !ActorRegistry.For(Context.System).TryGet<RosterRegion>(out var roster)) return;
        roster.Ask<RosterMembers>(new GetRoster(_spec.Provider), RosterAskTimeout)
            .PipeTo(Self, failure: _ => new RosterMembers("", []));
    }

    private void OnRoster(RosterMembers roster)
    {
        if (_spec.LabelFromRoster && roster.Members.FirstOrDefault(m => m.EntityId == _spec.EntityId) is { } member)
            Relabel(member.Label(roster.Provider));
    }
}
