using Router.Actors.Configuration.Reading;
using YamlDotNet.RepresentationModel;

namespace Router.Actors.Configuration.Blocks;

/// <summary>The whole document: each top-level section read by its block, then the checks that span sections.</summary>
internal sealed class RootBlock(ConfigSource source) : BlockReader(source)
{
    public const string NoProviderHint =
        "no provider is configured; add one, e.g. an echo provider that answers locally: " +
        "'providers: { echo: { type: echo } }' routed by 'models: { routing: [{ pattern: \"^echo-\", providers: [echo] }] }' " +
        "(docs/configuration.md lists every provider type)";

    public RouterConfig Read(YamlNode? root)
    {
        var sections = Mapping(root, "", ConfigKeys.Root).ToDictionary(e => e.Key);
        ConfigEntry? Section(string key) => sections.TryGetValue(key, out var entry) ? entry : null;
        var providersSection = Section("providers");
        var providers = new ProvidersBlock(Source).Read(providersSection);
        var config = new RouterConfig
        {
            Server = new ServerBlock(Source).Read(Section("server")),
            Auth = new AuthBlock(Source).Read(Section("auth")),
            WebSocket = new WebSocketBlock(Source).Read(Section("websocket")),
            Logging = new LoggingBlock(Source).Read(Section("logging")),
            Cluster = new ClusterBlock(Source).Read(Section("cluster")),
            Providers = providers,
            Models = new ModelsBlock(Source).Read(Section("models"), providers),
            Metrics = new ObservabilityBlocks(Source).ReadMetrics(Section("metrics")),
            Telemetry = new ObservabilityBlocks(Source).ReadTelemetry(Section("telemetry")),
        };
        if (providers.Count == 0)
            throw Error(providersSection?.KeyNode.Start.Line ?? 1, "providers", NoProviderHint);
        return config;
    }
}
