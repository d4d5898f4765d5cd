using Router.Actors.Providers;

namespace Router.Actors.Routing;

// Messages of RoutingActor.

/// <summary>What RoutingActor.Resolve answers for a model no routing pattern matches.</summary>
public sealed record UnknownModel(string Model);

/// <summary>Where a request for a model goes: its upstream name and the providers to try in order.</summary>
public sealed record RoutePlan(string RequestedModel, string UpstreamModel, IReadOnlyList<ProviderHandle> Providers);

/// <summary>Answer: ModelList.</summary>
public sealed record ListModels
{
    public static readonly ListModels Instance = new();
}

/// <summary>Every advertised model name with the providers that advertise it, in config order.</summary>
public sealed record ModelList(IReadOnlyList<(string Model, string Provider)> Models);

/// <summary>Answer: the ProviderCatalog (every provider, its actor, or why it is disabled).</summary>
public sealed record GetProviders
{
    public static readonly GetProviders Instance = new();
}

/// <summary>
/// Ask: serve these providers from now on (a reload). A definition that is the same instance as one
/// served now keeps its actor and state. Answer: ProvidersApplied.
/// </summary>
public sealed record ApplyProviders(IReadOnlyList<ProviderDefinition> Providers, TimeSpan DrainTimeout);

public sealed record ProvidersApplied(ProviderCatalog Catalog);
