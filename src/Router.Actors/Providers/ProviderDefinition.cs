using Akka.Actor;
using Router.Actors.Accounts;
using Router.Actors.Configuration;
using Router.Actors.Upstreams;

namespace Router.Actors.Providers;

/// <summary>A provider as configured: its upstream, its accounts, or why it is disabled.</summary>
public sealed record ProviderDefinition(ProviderConfig Config, IUpstream? Upstream, IReadOnlyList<AccountSpec> Accounts, string? DisabledReason)
{
    public string Name => Config.Name;

    public static ProviderDefinition From(ProviderConfig config, HttpClient http)
    {
        var upstream = UpstreamFactory.Create(config, http);
        var keys = UpstreamFactory.NeedsNoKey(config.Type) && config.UsableKeys.Count == 0 ? [""] : config.UsableKeys;
        var accounts = keys.Select((key, i) => new AccountSpec(config.Name, i + 1, key, config.MaxInFlight, TimeSpan.FromSeconds(config.Cooldown))).ToList();
        var disabled =
            !config.Enabled ? "enabled: false in config" :
            upstream is null ? $"provider type '{config.Type}' is not served by this build yet" :
            accounts.Count == 0 ? "every api key is empty (unset environment variable?)" :
            null;
        return new ProviderDefinition(config, upstream, disabled is null ? accounts : [], disabled);
    }
}

/// <summary>A provider definition with the actor that serves it.</summary>
public sealed record ProviderHandle(ProviderDefinition Definition, IActorRef? Actor)
{
    public string Name => Definition.Name;
    public string? DisabledReason => Definition.DisabledReason;
    public IUpstream Upstream => Definition.Upstream!;
    public TimeSpan Timeout => TimeSpan.FromSeconds(Definition.Config.Timeout);
}

/// <summary>Every provider by name, in config order.</summary>
public sealed class ProviderCatalog(IReadOnlyList<ProviderHandle> providers)
{
    private readonly Dictionary<string, ProviderHandle> _byName = providers.ToDictionary(p => p.Name);

    public IReadOnlyList<ProviderHandle> All => providers;

    public ProviderHandle? Find(string name) => _byName.GetValueOrDefault(name);

    public IReadOnlyList<(string Model, string Provider)> AdvertisedModels() =>
        providers.Where(p => p.DisabledReason is null)
            .SelectMany(p => p.Definition.Config.Models.Select(m => (m, p.Name)))
            .ToList();
}
