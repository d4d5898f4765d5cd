using Router.Actors.Providers;

namespace Router.Actors.Routing;

/// <summary>
/// The routing actor's current provider catalog, readable without a message: the routing actor
/// publishes a new one whenever a reload adds, changes or removes providers; a request reads it once.
/// </summary>
public sealed class LiveCatalog
{
    private volatile ProviderCatalog? _current;

    /// <summary>Null until the routing actor has started.</summary>
    public ProviderCatalog? Current => _current;

    public void Publish(ProviderCatalog catalog) => _current = catalog;
}
