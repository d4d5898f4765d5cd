using Router.Actors.Configuration.Reading;

namespace Router.Actors.Configuration.Blocks;

/// <summary>`logging:` level, folder and per-request lines.</summary>
internal sealed class LoggingBlock(ConfigSource source) : BlockReader(source)
{
    public LoggingConfig Read(ConfigEntry? section)
    {
        var config = Section(section, ConfigKeys.Logging).Aggregate(new LoggingConfig(), Apply);
        return config with { Dir = EnvExpander.ResolvePath(config.Dir, BaseDir) };
    }

    private LoggingConfig Apply(LoggingConfig config, ConfigEntry e) => e.Key switch
    {
        "level" => config with { Level = OneOf(e, ConfigKeys.LogLevels) ?? config.Level },
        "dir" => config with { Dir = PathValue(e) ?? config.Dir },
        "request_log" => config with { RequestLog = Bool(e) ?? config.RequestLog },
        _ => config,
    };
}
