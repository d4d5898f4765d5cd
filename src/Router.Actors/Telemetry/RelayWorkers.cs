using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Router.Actors.Telemetry;

/// <summary>
/// How many relay workers are connected, per provider: the WebSocket relay calls Connected when a
/// worker's connection is accepted and Disconnected when it closes; router.relay.workers reads it.
/// </summary>
public static class RelayWorkers
{
    private static readonly ConcurrentDictionary<string, int> Connections = new();

    public static void Connected(string provider) => Connections.AddOrUpdate(provider, 1, (_, n) => n + 1);

    public static void Disconnected(string provider) => Connections.AddOrUpdate(provider, 0, (_, n) => Math.Max(0, n - 1));

    public static int Count(string provider) => Connections.GetValueOrDefault(provider);

    internal static IEnumerable<Measurement<int>> Observe() =>
        Connections.Select(c => new Measurement<int>(c.Value, new KeyValuePair<string, object?>("provider", c.Key)));
}
