using System.Net;
using Router.Actors.Configuration.Reading;
using YamlDotNet.RepresentationModel;

namespace Router.Actors.Configuration.Blocks;

/// <summary>`server:` where the router listens and who may call it.</summary>
internal sealed class ServerBlock(ConfigSource source) : BlockReader(source)
{
    public ServerConfig Read(ConfigEntry? section)
    {
        var entries = Section(section, ConfigKeys.Server);
        var config = entries.Aggregate(new ServerConfig(), Apply);
        if (entries.FirstOrDefault(e => e.Key == "host") is { Key: not null } host
            && !IsLoopback(config.Host) && !config.ApiKeys.Any(k => !string.IsNullOrWhiteSpace(k)))
            throw Error(host.Value, host.Path,
                $"host '{Shorten(config.Host)}' is not a loopback address, so server.api_keys must list at least one non-empty key");
        return config;
    }

    private ServerConfig Apply(ServerConfig config, ConfigEntry e) => e.Key switch
    {
        "host" => config with { Host = NonEmptyString(e) ?? config.Host },
        "port" => config with { Port = Port(e) ?? config.Port },
        "api_keys" => config with { ClientKeys = ClientKeys(e) },
        "watch_config" => config with { WatchConfig = Bool(e) ?? config.WatchConfig },
        "cpu_scheduling" => config with { CpuScheduling = OneOf(e, ConfigKeys.CpuSchedulings) ?? config.CpuScheduling },
        "management_key" => config with { ManagementKey = String(e) ?? config.ManagementKey },
        "worker_keys" => config with { WorkerKeys = StringList(e) ?? config.WorkerKeys },
        "allowed_hosts" => config with { AllowedHosts = AllowedHosts(e) },
        "cors_origins" => config with { CorsOrigins = CorsOrigins(e) },
        "max_body_bytes" => config with { MaxBodyBytes = Integer(e, 1, long.MaxValue, "a positive number of bytes") ?? config.MaxBodyBytes },
        "max_connections" => config with { MaxConnections = Integer(e, 1, long.MaxValue, "a positive number of connections") },
        "shutdown_timeout" => config with { ShutdownTimeout = Int(e, 0, 3600, "a number of seconds in 0..3600") ?? config.ShutdownTimeout },
        _ => config,
    };

    /// <summary>Each entry a plain key, or {name, key, models, limits}; names and keys unique.</summary>
    private List<ClientKeyConfig> ClientKeys(ConfigEntry e)
    {
        if (IsNull(e.Value)) return [];
        if (e.Value is not YamlSequenceNode list)
            throw Error(e.Value, e.Path, $"expected a list of keys (strings or {{name, key, models, limits}} mappings), got {Kind(e.Value)}");
        var keys = new List<ClientKeyConfig>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var item = list.Children[i];
            var path = $"{e.Path}[{i}]";
            var key = item is YamlMappingNode ? NamedKey(item, path) : String(item, path) is { Length: > 0 } plain ? ClientKeyConfig.Plain(plain) : null;
            if (key is null) continue; // an empty key (unset environment variable) is no key
            if (keys.Any(k => k.Name == key.Name))
                throw Error(item, path, $"client key name '{key.Name}' is used twice (names must be unique)");
            if (keys.Any(k => k.Key == key.Key))
                throw Error(item, path, "the same key is listed twice");
            keys.Add(key);
        }
        return keys;
    }

    private ClientKeyConfig? NamedKey(YamlNode item, string path)
    {
        var entries = Mapping(item, path, ConfigKeys.ClientKey);
        var nameEntry = entries.FirstOrDefault(x => x.Key == "name");
        if (nameEntry.Key is null) throw Error(item, Child(path, "name"), "missing required key 'name'");
        var name = NonEmptyString(nameEntry)!;
        if (!ClientKeyName.IsValid(name))
            throw Error(nameEntry.Value, nameEntry.Path, $"expected a name of letters, digits, '.', '_' or '-' (at most 64), got '{Shorten(name)}'");
        var keyEntry = entries.FirstOrDefault(x => x.Key == "key");
        if (keyEntry.Key is null) throw Error(item, Child(path, "key"), "missing required key 'key'");
        var key = String(keyEntry);
        if (string.IsNullOrEmpty(key)) return null;
        var models = entries.Where(x => x.Key == "models").Select(StringList).FirstOrDefault() ?? [];
        var limits = entries.Where(x => x.Key == "limits").Select(Limits).FirstOrDefault() ?? ClientKeyLimits.None;
        return new ClientKeyConfig(name, key, models, limits);
    }

    private ClientKeyLimits Limits(ConfigEntry e) =>
        Mapping(e.Value, e.Path, ConfigKeys.ClientKeyLimits).Aggregate(ClientKeyLimits.None, (limits, x) => x.Key switch
        {
            "requests_per_minute" => limits with { RequestsPerMinute = Int(x, 1, 1_000_000, "a number of requests in 1..1000000") },
            "tokens_per_day" => limits with { TokensPerDay = Integer(x, 1, long.MaxValue, "a positive number of tokens") },
            _ => limits,
        });

    /// <summary>Host names (optionally with :port; `.example.com` or `*.example.com` for a domain and its subdomains) — never a URL.</summary>
    private List<string> AllowedHosts(ConfigEntry e)
    {
        var hosts = new List<string>();
        foreach (var (value, node, path) in StringListNodes(e) ?? [])
        {
            var host = value.Trim();
            if (host.Length == 0 || host.Contains('/') || host.Any(char.IsWhiteSpace))
                throw Error(node, path, $"expected a host name such as router.example.com or *.example.com (no scheme or path), got '{Shorten(value)}'");
            hosts.Add(host);
        }
        return hosts;
    }

    /// <summary>Browser origins `scheme://host[:port]`, kept in the form browsers send them (lower case, default port left out).</summary>
    private List<string> CorsOrigins(ConfigEntry e)
    {
        var origins = new List<string>();
        foreach (var (value, node, path) in StringListNodes(e) ?? [])
        {
            var text = value.Trim();
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host) || uri.UserInfo.Length > 0
                || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || text.EndsWith("//", StringComparison.Ordinal))
                throw Error(node, path, $"expected an origin such as https://app.example.com or http://localhost:3000 (scheme://host[:port], no path), got '{Shorten(value)}'");
            origins.Add(uri.GetLeftPart(UriPartial.Authority));
        }
        return origins;
    }

    private static bool IsLoopback(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        var address = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip);
    }
}
