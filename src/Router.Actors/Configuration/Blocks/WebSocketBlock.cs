using Router.Actors.Configuration.Reading;

namespace Router.Actors.Configuration.Blocks;

/// <summary>`websocket:` the relay that browser-backed workers connect to.</summary>
internal sealed class WebSocketBlock(ConfigSource source) : BlockReader(source)
{
    public WebSocketConfig Read(ConfigEntry? section) => Section(section, ConfigKeys.WebSocket).Aggregate(new WebSocketConfig(), Apply);

    private WebSocketConfig Apply(WebSocketConfig config, ConfigEntry e) => e.Key switch
    {
        "enabled" => config with { Enabled = Bool(e) ?? config.Enabled },
        "path" => config with { Path = RelayPath(e) ?? config.Path },
        "ping_interval" => config with { PingInterval = Int(e, 1, int.MaxValue, "a positive number of seconds") ?? config.PingInterval },
        _ => config,
    };

    private string? RelayPath(ConfigEntry e)
    {
        var path = NonEmptyString(e);
        if (path is not null && !path.StartsWith('/'))
            throw Error(e.Value, e.Path, $"must start with '/' (got '{Shorten(path)}')");
        return path;
    }
}
