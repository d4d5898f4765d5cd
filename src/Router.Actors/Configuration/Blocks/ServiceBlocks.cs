using Router.Actors.Configuration.Reading;

namespace Router.Actors.Configuration.Blocks;

/// <summary>The provider blocks of side services: service (a supervised process) and health_check.</summary>
internal sealed class ServiceBlocks(ConfigSource source) : BlockReader(source)
{
    public ServiceConfig? Service(ConfigEntry block)
    {
        var entries = Mapping(block.Value, block.Path, ConfigKeys.Service);
        if (entries.Count == 0) return null;
        var command = Value(entries, "command", NonEmptyString)
            ?? throw Error(block.KeyNode, Child(block.Path, "command"), "missing required key 'command' (the shell command that starts the service)");
        return entries.Aggregate(new ServiceConfig { Command = command, Cwd = BaseDir }, (config, e) => e.Key switch
        {
            "cwd" => config with { Cwd = EnvExpander.ResolvePath(PathValue(e) ?? ".", BaseDir) },
            "env" => config with { Env = StringMap(e) },
            "port" => config with { Port = Port(e) },
            "auto_start" => config with { AutoStart = Bool(e) ?? config.AutoStart },
            _ => config,
        });
    }

    public HealthCheckConfig? HealthCheck(ConfigEntry block)
    {
        var entries = Mapping(block.Value, block.Path, ConfigKeys.HealthCheck);
        if (entries.Count == 0) return null;
        var url = Value(entries, "url", HttpUrl) ?? throw Error(block.KeyNode, Child(block.Path, "url"), "missing required key 'url'");
        return entries.Aggregate(new HealthCheckConfig { Url = url }, (config, e) => e.Key switch
        {
            "interval" => config with { Interval = Int(e, 1, 86400, "a number of seconds in 1..86400") ?? config.Interval },
            "timeout" => config with { Timeout = Int(e, 1, 3600, "a number of seconds in 1..3600") ?? config.Timeout },
            _ => config,
        });
    }
}
