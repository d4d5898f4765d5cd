using System.Net;
using Router.Actors.Configuration.Reading;

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
        "api_keys" => config with { ApiKeys = StringList(e) ?? config.ApiKeys },
        "management_key" => config with { ManagementKey = String(e) ?? config.ManagementKey },
        "worker_keys" => config with { WorkerKeys = StringList(e) ?? config.WorkerKeys },
        "allowed_hosts" => config with { AllowedHosts = AllowedHosts(e) },
        "cors_origins" => config with { CorsOrigins = CorsOrigins(e) },
        "max_body_bytes" => config with { MaxBodyBytes = Integer(e, 1, long.MaxValue, "a positive number of bytes") ?? config.MaxBodyBytes },
        "max_connections" => config with { MaxConnections = Integer(e, 1, long.MaxValue, "a positive number of connections") },
        "shutdown_timeout" => config with { ShutdownTimeout = Int(e, 0, 3600, "a number of seconds in 0..3600") ?? config.ShutdownTimeout },
        _ => config,
    };

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
