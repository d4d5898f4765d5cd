using Akka.Actor;
using Router.Actors.Providers;

namespace Router.Actors.Routing;

/// <summary>
/// Owns the provider actors (one child per enabled provider) and hands out the catalog of them.
/// Resolve maps a model name to the ordered providers that serve it (patterns compiled once, in
/// RouteTable); the dispatcher calls it with the catalog, walks the plan and fails over.
/// </summary>
public sealed class RoutingActor : ReceiveActor
{
    private readonly ProviderCatalog _catalog;

    public RoutingActor(IReadOnlyList<ProviderDefinition> providers, IActorRef accountRegion, IActorRef? rosterRegion = null)
    {
        // Each enabled provider is a child: a provider that crashes is restarted, its accounts live on.
        _catalog = new ProviderCatalog(providers.Select(p =>
        {
            if (p.DisabledReason is not null) return new ProviderHandle(p, null);
            var broker = new LeaseBroker();
            var actor = Context.ActorOf(ProviderActor.Props(p.Name, p.Accounts, accountRegion, p.SignsIn ? rosterRegion : null, broker), Uri.EscapeDataString(p.Name));
            return new ProviderHandle(p, actor, broker);
        }).ToList());

        Receive<ListModels>(_ => Sender.Tell(new ModelList(_catalog.AdvertisedModels())));
        Receive<GetProviders>(_ => Sender.Tell(_catalog));
    }

    public static object Resolve(RouteTable routes, ProviderCatalog catalog, string model)
    {
        if (routes.Resolve(model) is not var (upstreamModel, names))
            return new UnknownModel(model);
        var providers = names.Select(catalog.Find).OfType<ProviderHandle>().Where(p => p.DisabledReason is null).ToList();
        return new RoutePlan(model, upstreamModel, providers);
    }
}
