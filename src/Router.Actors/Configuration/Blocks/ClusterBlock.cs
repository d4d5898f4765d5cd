using Router.Actors.Configuration.Reading;

namespace Router.Actors.Configuration.Blocks;

/// <summary>`cluster:` Akka remoting address and seed nodes (absent = a cluster of one).</summary>
internal sealed class ClusterBlock(ConfigSource source) : BlockReader(source)
{
    /// <summary>A shorter cluster.secret is refused: it is the only key to what nodes send each other.</summary>
    public const int ShortestSecret = 16;

    public ClusterConfig Read(ConfigEntry? section)
    {
        var config = Section(section, ConfigKeys.Cluster).Aggregate(new ClusterConfig(), Apply);
        if (config.Enabled && config.Secret.Length == 0)
            throw Error(section!.Value.Value, section.Value.Path,
                "cluster.secret is required when cluster.enabled is true: the same long random string on every node (e.g. `openssl rand -base64 32`), so no credential crosses the network in clear");
        return config;
    }

    private ClusterConfig Apply(ClusterConfig config, ConfigEntry e) => e.Key switch
    {
        "enabled" => config with { Enabled = Bool(e) ?? config.Enabled },
        "hostname" => config with { Hostname = NonEmptyString(e) ?? config.Hostname },
        "public_hostname" => config with { PublicHostname = NonEmptyString(e) ?? config.PublicHostname },
        "port" => config with { Port = Port(e) ?? config.Port },
        "seed_nodes" => config with { SeedNodes = SeedNodes(e) ?? config.SeedNodes },
        "secret" => config with { Secret = Secret(e) ?? config.Secret },
        _ => config,
    };

    private string? Secret(ConfigEntry e)
    {
        var value = String(e);
        if (value is not null && value.Length < ShortestSecret)
            throw Error(e.Value, e.Path, $"must be at least {ShortestSecret} characters (a long random string)");
        return value;
    }

    private List<string>? SeedNodes(ConfigEntry e)
    {
        var nodes = StringListNodes(e);
        foreach (var (value, node, path) in nodes ?? [])
        {
            if (!IsSeedNode(value))
                throw Error(node, path, $"expected an address like akka.tcp://router@host:4053 (got '{Shorten(value)}')");
        }
        return nodes?.Select(n => n.Value).ToList();
    }

    private static bool IsSeedNode(string value) =>
        (value.StartsWith("akka.tcp://", StringComparison.Ordinal) || value.StartsWith("akka://", StringComparison.Ordinal))
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && !string.IsNullOrEmpty(uri.UserInfo) && !string.IsNullOrEmpty(uri.Host) && uri.Port > 0;
}
