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
    private readonly IActorRef _accountRegion;
    private readonly IActorRef? _rosterRegion;
    private readonly LiveCatalog? _live;
    private ProviderCatalog _catalog;
    // Children made by a reload carry a generation in their name: a retiring provider of the same name may still be draining.
    private int _generation;

    public RoutingActor(IReadOnlyList<ProviderDefinition> providers, IActorRef accountRegion, IActorRef? rosterRegion = null, LiveCatalog? live = null)
    {
        _accountRegion = accountRegion;
        _rosterRegion = rosterRegion;
        _live = live;
        _catalog = new ProviderCatalog(providers.Select(p => Start(p, Uri.EscapeDataString(p.Name))).ToList());
        _live?.Publish(_catalog);

        Receive<ListModels>(_ => Sender.Tell(new ModelList(_catalog.AdvertisedModels())));
        Receive<GetProviders>(_ => Sender.Tell(_catalog));
        Receive<ApplyProviders>(Apply);
    }

    /// <summary>Each enabled provider is a child: a provider that crashes is restarted, its accounts live on.</summary>
    private ProviderHandle Start(ProviderDefinition p, string actorName)
    {
        if (p.DisabledReason is not null) return new ProviderHandle(p, null);
        var broker = new LeaseBroker();
        var actor = Context.ActorOf(ProviderActor.Props(p.Name, p.Accounts, _accountRegion, p.SignsIn ? _rosterRegion : null, broker, p.Config.IsWatched), actorName);
        return new ProviderHandle(p, actor, broker);
    }

    /// <summary>
    /// A reload: a provider whose definition is the very one already served keeps its actor; every
    /// other one starts afresh, and a provider no longer served retires (it stops once its calls under
    /// way are over, or after the drain time).
    /// </summary>
    private void Apply(ApplyProviders apply)
    {
        var current = _catalog.All.ToDictionary(h => h.Name);
        var handles = apply.Providers
            .Select(p => current.TryGetValue(p.Name, out var kept) && ReferenceEquals(kept.Definition, p)
                ? kept
                : Start(p, $"{Uri.EscapeDataString(p.Name)}-{++_generation}"))
            .ToList();
        foreach (var retired in current.Values.Where(h => h.Actor is not null && !handles.Contains(h)))
            retired.Actor!.Tell(new RetireProvider(apply.DrainTimeout));
        _catalog = new ProviderCatalog(handles);
        _live?.Publish(_catalog);
        Sender.Tell(new ProvidersApplied(_catalog));
    }

    public static object Resolve(RouteTable routes, ProviderCatalog catalog, string model)
    {
        if (routes.Resolve(model) is not var (upstreamModel, names))
            return new UnknownModel(model);
        var providers = names.Select(catalog.Find).OfType<ProviderHandle>().Where(p => p.DisabledReason is null).ToList();
        return new RoutePlan(model, upstreamModel, providers);
    }
}
