using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Router.Actors.Providers;

namespace Router.Actors.Telemetry;

/// <summary>Each side service's last published health, read when /metrics is scraped.</summary>
public static class ServiceGauges
{
    private static readonly ConcurrentDictionary<string, string> Services = new();

    public static void Note(string provider, string health) => Services[provider] = health;

    internal static IEnumerable<Measurement<int>> Health() =>
        Services.Select(s => new Measurement<int>(s.Value switch
        {
            ProviderHealth.Healthy => 2,
            ProviderHealth.Degraded => 1,
            _ => 0,
        }, new KeyValuePair<string, object?>("provider", s.Key)));
}
