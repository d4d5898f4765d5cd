using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Router.Actors.Configuration;
using Router.Actors.Telemetry;

namespace Router.Http.Endpoints;

/// <summary>
/// GET /metrics: the router's Meter in Prometheus text format (docs/observability.md), behind the
/// management key unless metrics.public is true. Traces go to telemetry.otlp_endpoint over OTLP/HTTP
/// when it is set; without it no tracer listens, so spans cost nothing.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IServiceCollection AddRouterTelemetry(this IServiceCollection services, RouterConfig config)
    {
        RouterMetrics.EnsureCreated();
        var telemetry = services.AddOpenTelemetry().ConfigureResource(r => r.AddService("router"));
        telemetry.WithMetrics(metrics => metrics
            .AddMeter(RouterMetrics.MeterName)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        if (config.Telemetry.OtlpEndpoint is { } endpoint)
            telemetry.WithTracing(tracing => tracing
                .AddSource(RouterTracing.SourceName)
                // Every request is traced, whatever a caller's traceparent or the host's own request activity says.
                .SetSampler(new AlwaysOnSampler())
                .AddOtlpExporter(o =>
                {
                    o.Protocol = OtlpExportProtocol.HttpProtobuf;
                    o.Endpoint = TracesUrl(endpoint);
                    o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 2000;
                }));
        return services;
    }

    /// <summary>The collector's traces URL: the endpoint as given when it already ends in /v1/traces, else with it appended.</summary>
    public static Uri TracesUrl(string endpoint) =>
        new(endpoint.EndsWith("/v1/traces", StringComparison.Ordinal) ? endpoint : endpoint.TrimEnd('/') + "/v1/traces");

    public static void Map(WebApplication app, RouterConfig config) =>
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch =>
        {
            if (config.Metrics.Public) return;
            var guard = app.Services.GetRequiredService<ManagementGuard>();
            branch.Use(async (context, next) =>
            {
                if (await guard.AdmitAsync(context)) await next(context);
            });
        }, optionsName: null);
}
