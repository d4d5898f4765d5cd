using Akka.Actor;
using Router.Actors.Accounts;
using Router.Actors.Configuration;
using Router.Actors.Providers.Types;
using Router.Actors.Relay;
using Router.Actors.SignIn;
using Router.Actors.Upstreams;

namespace Router.Actors.Providers;

/// <summary>
/// A provider as configured: its upstream, its accounts, or why it is disabled. Providers whose accounts
/// sign in (claude-oauth, chatgpt-oauth, ctonew) also carry the token policy every such account follows
/// and the client that signs one in; their accounts are made when someone signs in (the roster).
/// A relay provider (aistudio) has an account per connected worker (<see cref="Relay"/>), none configured.
/// </summary>
public sealed record ProviderDefinition(
    ProviderConfig Config, IUpstream? Upstream, IReadOnlyList<AccountSpec> Accounts, string? DisabledReason,
    TokenPolicy? Tokens = null, OAuthClient? OAuth = null, RelayHub? Relay = null)
{
    public string Name => Config.Name;

    /// <summary>Accounts come from sign-ins (the roster), not only from config.</summary>
    public bool SignsIn => Tokens is not null;

    /// <summary>The provider's type from the registry; null for a name no type has (configs built in code).</summary>
    public ProviderType? Type => ProviderTypes.Find(Config.Type);

    /// <summary>"claude" or "chatgpt" for the LLMux types: the {kind} of /v1/auth/llmux/{kind}/... and of token file names.</summary>
    public string? LlmuxKind => LlmuxKindOf(Config.Type);

    public static string? LlmuxKindOf(string type) => ProviderTypes.Find(type)?.LlmuxKind;

    /// <summary>The spec of a signed-in account (or a relay worker's) of this provider (entity id `{name}@...`), or null.</summary>
    public AccountSpec? SignedInAccount(string entityId) =>
        Relay is not null ? WorkerAccount(entityId) :
        Tokens is not null && DisabledReason is null && entityId.StartsWith(Name + "@", StringComparison.Ordinal)
            ? Accounts.FirstOrDefault(a => a.EntityId == entityId)
                ?? AccountSpec.SignedInEntity(Name, entityId, Config.MaxInFlight, TimeSpan.FromSeconds(Config.Cooldown), Tokens)
            : null;

    /// <summary>A connected worker's account: its lease credential is its entity id, which finds its socket in the hub.</summary>
    private AccountSpec? WorkerAccount(string entityId) =>
        DisabledReason is null && RelayHub.IsWorkerOf(Name, entityId)
            ? new AccountSpec(Name, entityId, Relay!.NumberOf(entityId) is { } n ? AccountSpec.Label(Name, n) : AccountSpec.UnnumberedLabel(Name),
                entityId, Config.MaxInFlight, TimeSpan.FromSeconds(Config.Cooldown))
            : null;

    public AccountSpec SignedIn(string identity, string seed = "", string? label = null) =>
        AccountSpec.SignedIn(Name, identity, Config.MaxInFlight, TimeSpan.FromSeconds(Config.Cooldown), Tokens!, seed, label);

    /// <param name="relay">This node's relay workers, for a relay type (aistudio); without one its provider never sees a worker.</param>
    public static ProviderDefinition From(ProviderConfig config, HttpClient http, string authDir, RelayHub? relay = null)
    {
        var type = ProviderTypes.Find(config.Type);
        if (type?.RelayUpstream is not null) relay ??= new RelayHub();
        else relay = null;
        var upstream = type?.Upstream?.Invoke(config, http) ?? (relay is null ? null : type?.RelayUpstream?.Invoke(config, relay));
        var tokens = type?.Tokens(config, http, authDir);
        var definition = new ProviderDefinition(config, upstream, [], null, tokens?.Policy, tokens?.OAuth, relay);
        var accounts = definition.ConfiguredAccounts();
        var disabled =
            !config.Enabled ? "enabled: false in config" :
            upstream is null ? $"provider type '{config.Type}' is not served by this build yet" :
            accounts.Count == 0 && !definition.SignsIn && relay is null ? "every api key is empty (unset environment variable?)" :
            null;
        return definition with { Accounts = disabled is null ? accounts : [], DisabledReason = disabled };
    }

    private List<AccountSpec> ConfiguredAccounts()
    {
        if (Relay is not null) return []; // workers come and go with their sockets
        if (Tokens is not null)
            // A ctonew session may come from config (clerk.cookie); LLMux accounts only from sign-ins.
            return Config.Clerk is { Cookie.Length: > 0 } clerk && ClerkSession.Parse(clerk.Cookie) is (string cookie, null)
                ? [SignedIn(ClerkSession.SessionKey(cookie), cookie, AccountSpec.Label(Name, 1))]
                : [];
        var keys = Type is { NeedsKey: false } && Config.UsableKeys.Count == 0 ? [""] : Config.UsableKeys;
        return keys.Select((key, i) => new AccountSpec(Config.Name, i + 1, key, Config.MaxInFlight, TimeSpan.FromSeconds(Config.Cooldown), TimeSpan.FromSeconds(Config.ProbeAfter))).ToList();
    }
}

/// <summary>A provider definition with the actor that serves it.</summary>
public sealed record ProviderHandle(ProviderDefinition Definition, IActorRef? Actor, LeaseBroker? Broker = null)
{
    public string Name => Definition.Name;
    public string? DisabledReason => Definition.DisabledReason;
    public IUpstream Upstream => Definition.Upstream!;
    public TimeSpan Timeout => TimeSpan.FromSeconds(Definition.Config.Timeout);

    /// <summary>The provider's status as health and status pages show it: disabled, down when its actor does not answer in time.</summary>
    public async Task<ProviderStatus> StatusAsync(TimeSpan within)
    {
        if (Actor is null) return new ProviderStatus(Name, ProviderHealth.Disabled, [], DisabledReason);
        try
        {
            return await Actor.Ask<ProviderStatus>(GetProviderStatus.Instance, within);
        }
        catch (AskTimeoutException)
        {
            return new ProviderStatus(Name, ProviderHealth.Down, [], "the provider did not answer");
        }
    }
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
