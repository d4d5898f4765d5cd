using System.Text.Json;

namespace Router.Actors.Configuration;

/// <summary>
/// What a reload changes between the running config and a new one: the keys that take effect live
/// (providers, models.routing, models.aliases, server.api_keys, server.watch_config, logging.level)
/// and the ones that only a restart applies (everything the listener, the database, the cluster or a
/// side process was built from).
/// </summary>
public static class ConfigDiff
{
    private static readonly JsonSerializerOptions Json = new() { IncludeFields = true };

    /// <summary>Key paths whose new value needs a restart, in file order.</summary>
    public static IReadOnlyList<string> NeedingRestart(RouterConfig running, RouterConfig next)
    {
        var keys = new List<string>();
        void Check(string key, object? a, object? b)
        {
            if (!Same(a, b)) keys.Add(key);
        }
        Check("server.host", running.Server.Host, next.Server.Host);
        Check("server.port", running.Server.Port, next.Server.Port);
        Check("server.management_key", running.Server.ManagementKey, next.Server.ManagementKey);
        Check("server.max_body_bytes", running.Server.MaxBodyBytes, next.Server.MaxBodyBytes);
        Check("server.shutdown_timeout", running.Server.ShutdownTimeout, next.Server.ShutdownTimeout);
        Check("server.max_connections", running.Server.MaxConnections, next.Server.MaxConnections);
        Check("server.worker_keys", running.Server.WorkerKeys, next.Server.WorkerKeys);
        Check("server.allowed_hosts", running.Server.AllowedHosts, next.Server.AllowedHosts);
        Check("server.cors_origins", running.Server.CorsOrigins, next.Server.CorsOrigins);
        Check("server.cpu_scheduling", running.Server.CpuScheduling, next.Server.CpuScheduling);
        Check("auth", running.Auth, next.Auth);
        Check("websocket", running.WebSocket, next.WebSocket);
        Check("logging.dir", running.Logging.Dir, next.Logging.Dir);
        Check("logging.request_log", running.Logging.RequestLog, next.Logging.RequestLog);
        Check("cluster", running.Cluster, next.Cluster);
        // Side processes are started once, by the service supervisor.
        var before = running.Providers.ToDictionary(p => p.Name);
        foreach (var provider in next.Providers)
        {
            var old = before.GetValueOrDefault(provider.Name);
            Check($"providers.{provider.Name}.service", old?.Service, provider.Service);
            Check($"providers.{provider.Name}.health_check", old?.HealthCheck, provider.HealthCheck);
        }
        foreach (var removed in running.Providers.Where(p => next.Providers.All(n => n.Name != p.Name) && p.IsWatched))
            keys.Add($"providers.{removed.Name}.service");
        return keys;
    }

    /// <summary>What a reload applies live, one line each (no secrets: providers and keys by name).</summary>
    public static IReadOnlyList<string> Applied(RouterConfig running, RouterConfig next)
    {
        var changes = new List<string>();
        var before = running.Providers.ToDictionary(p => p.Name);
        var after = next.Providers.ToDictionary(p => p.Name);
        changes.AddRange(next.Providers.Where(p => !before.ContainsKey(p.Name)).Select(p => $"providers.{p.Name}: added"));
        changes.AddRange(running.Providers.Where(p => !after.ContainsKey(p.Name)).Select(p => $"providers.{p.Name}: removed"));
        changes.AddRange(next.Providers.Where(p => before.TryGetValue(p.Name, out var old) && !SameProvider(old, p)).Select(p => $"providers.{p.Name}: changed"));
        if (!Same(running.Models.Routing.Select(r => (r.Pattern, r.Providers)), next.Models.Routing.Select(r => (r.Pattern, r.Providers))))
            changes.Add("models.routing: changed");
        if (!Same(running.Models.Aliases, next.Models.Aliases)) changes.Add("models.aliases: changed");
        if (!Same(Keys(running), Keys(next))) changes.Add("server.api_keys: changed");
        if (running.Server.WatchConfig != next.Server.WatchConfig) changes.Add($"server.watch_config: {next.Server.WatchConfig.ToString().ToLowerInvariant()}");
        if (running.Logging.Level != next.Logging.Level) changes.Add($"logging.level: {next.Logging.Level}");
        return changes;
    }

    /// <summary>
    /// The config the router runs after a reload: the new file's live keys, and the running values of
    /// every key that needs a restart (so the next reload still reports them).
    /// </summary>
    public static RouterConfig Running(RouterConfig running, RouterConfig next) => running with
    {
        Server = running.Server with { ClientKeys = next.Server.ClientKeys, WatchConfig = next.Server.WatchConfig },
        Logging = running.Logging with { Level = next.Logging.Level },
        Providers = next.Providers,
        Models = next.Models,
    };

    /// <summary>Same settings (the line it sits on in the file aside): the provider keeps its actor and state.</summary>
    public static bool SameProvider(ProviderConfig a, ProviderConfig b) => Same(a with { Line = 0 }, b with { Line = 0 });

    private static IEnumerable<object> Keys(RouterConfig config) =>
        config.Server.ClientKeys.Select(k => new { k.Name, Key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(k.Key))), k.Models, k.Limits });

    private static bool Same(object? a, object? b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json);
}
