using Akka.Actor;
using Akka.Hosting;
using Router.Actors.Accounts;
using Router.Actors.Hosting;
using Router.Actors.Providers;
using Router.Actors.Routing;

namespace Router.Actors.SignIn;

/// <summary>
/// Signs accounts in and out of providers whose accounts sign in: stores the credential in the
/// account's entity, records it in the provider's roster, and tells the provider to look again.
/// </summary>
public sealed class AccountSignIn(IRequiredActor<AccountRegion> accounts, IRequiredActor<RosterRegion> roster, IRequiredActor<RoutingActor> routing)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public async Task<ProviderCatalog> CatalogAsync(CancellationToken cancellationToken) =>
        await routing.ActorRef.Ask<ProviderCatalog>(GetProviders.Instance, AskTimeout, cancellationToken);

    public async Task<AccountSnapshot> SignInAsync(ProviderHandle provider, string identity, Credential credential, CancellationToken cancellationToken)
    {
        var entityId = provider.Definition.SignedIn(identity).EntityId;
        // The roster numbers the account first: its label names it from its first log line on.
        var configured = provider.Definition.Accounts;
        var members = await roster.ActorRef.Ask<RosterMembers>(
            new JoinRoster(provider.Name, entityId, identity, FirstNumber: configured.Count + 1), AskTimeout, cancellationToken);
        var member = members.Members.First(m => m.EntityId == entityId);
        var label = configured.FirstOrDefault(a => a.EntityId == entityId)?.Name ?? member.Label(provider.Name);
        var snapshot = await accounts.ActorRef.Ask<AccountSnapshot>(new StoreCredential(entityId, credential, label), AskTimeout, cancellationToken);
        // Answer only once this node's provider routes to the new account.
        if (provider.Actor is { } actor)
            await actor.Ask<AccountsUpdated>(new RosterChanged(Joined: member), AskTimeout, cancellationToken);
        return snapshot;
    }

    /// <summary>The enabled providers whose definition <paramref name="which"/> picks, in config order.</summary>
    public async Task<IReadOnlyList<ProviderHandle>> ProvidersAsync(Func<ProviderDefinition, bool> which, CancellationToken cancellationToken) =>
        (await CatalogAsync(cancellationToken)).All.Where(p => p.DisabledReason is null && which(p.Definition)).ToList();

    /// <summary>Every signed-in account of these providers (an account without identity holds no credential).</summary>
    public async Task<IReadOnlyList<(ProviderHandle Provider, AccountSnapshot Account)>> SignedInAsync(IEnumerable<ProviderHandle> providers, CancellationToken cancellationToken)
    {
        var signedIn = new List<(ProviderHandle, AccountSnapshot)>();
        foreach (var provider in providers)
            signedIn.AddRange((await AccountsAsync(provider, cancellationToken)).Where(a => a.Identity is not null).Select(a => (provider, a)));
        return signedIn;
    }

    /// <summary>Signs out the signed-in accounts <paramref name="which"/> picks; answers how many.</summary>
    public async Task<int> SignOutAsync(IEnumerable<ProviderHandle> providers, Func<AccountSnapshot, bool> which, CancellationToken cancellationToken)
    {
        var chosen = (await SignedInAsync(providers, cancellationToken)).Where(x => which(x.Account)).ToList();
        foreach (var (provider, account) in chosen)
        {
            await accounts.ActorRef.Ask<AccountSnapshot>(new SignOut(account.EntityId), AskTimeout, cancellationToken);
            await roster.ActorRef.Ask<RosterMembers>(new LeaveRoster(provider.Name, account.EntityId), AskTimeout, cancellationToken);
            if (provider.Actor is { } actor)
                await actor.Ask<AccountsUpdated>(new RosterChanged(Left: account.EntityId), AskTimeout, cancellationToken);
        }
        return chosen.Count;
    }

    /// <summary>Every account of the provider (configured or signed in) as it stands now.</summary>
    private async Task<IReadOnlyList<AccountSnapshot>> AccountsAsync(ProviderHandle provider, CancellationToken cancellationToken)
    {
        var members = await roster.ActorRef.Ask<RosterMembers>(new GetRoster(provider.Name), AskTimeout, cancellationToken);
        var ids = provider.Definition.Accounts.Select(a => a.EntityId).Union(members.Members.Select(m => m.EntityId));
        return await Task.WhenAll(ids.Select(id => accounts.ActorRef.Ask<AccountSnapshot>(new GetAccountStatus(id), AskTimeout, cancellationToken)));
    }
}
