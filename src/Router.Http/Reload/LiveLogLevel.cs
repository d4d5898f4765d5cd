using Router.Actors.Configuration;
using Serilog.Core;

namespace Router.Http.Reload;

/// <summary>logging.level as the running router applies it: to the log file (Serilog) and to every other log sink, changeable by a reload.</summary>
public sealed class LiveLogLevel(LoggingConfig config)
{
    public LoggingLevelSwitch Switch { get; } = new(RouterLogFile.Level(config));

    public bool Allows(LogLevel level) => level >= (LogLevel)(int)Switch.MinimumLevel;

    public void Set(LoggingConfig config) => Switch.MinimumLevel = RouterLogFile.Level(config);
}
