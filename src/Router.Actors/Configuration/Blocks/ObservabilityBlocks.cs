using Router.Actors.Configuration.Reading;

namespace Router.Actors.Configuration.Blocks;

/// <summary>`metrics:` who may read /metrics; `telemetry:` where traces go.</summary>
internal sealed class ObservabilityBlocks(ConfigSource source) : BlockReader(source)
{
    public MetricsConfig ReadMetrics(ConfigEntry? section) =>
        Section(section, ConfigKeys.Metrics).Aggregate(new MetricsConfig(), (config, e) => e.Key switch
        {
            "public" => config with { Public = Bool(e) ?? config.Public },
            _ => config,
        });

    public TelemetryConfig ReadTelemetry(ConfigEntry? section) =>
        Section(section, ConfigKeys.Telemetry).Aggregate(new TelemetryConfig(), (config, e) => e.Key switch
        {
            "otlp_endpoint" => config with { OtlpEndpoint = HttpUrl(e) ?? config.OtlpEndpoint },
            _ => config,
        });
}
