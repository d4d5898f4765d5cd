using Router.Actors.Configuration;
using Router.Actors.Hosting;
using Router.Persistence;
using Serilog;
using Serilog.Events;

namespace Router.Http;

/// <summary>
/// {logging.dir}/router.log: the router's own log and its request lines, rotated at 10 MB, five files
/// kept; every one of them 0600 (<see cref="OwnerOnlyLogFiles"/>).
/// </summary>
public static class RouterLogFile
{
    public const string FileName = "router.log";

    /// <summary>Categories held to warnings: ASP.NET's request lines carry query strings, and `?key=` is a client key.</summary>
    public static readonly string[] QuietCategories = ["Microsoft.AspNetCore", "Microsoft.Hosting", "System.Net.Http"];

    public static LogEventLevel Level(LoggingConfig config) => config.Level switch
    {
        "debug" => LogEventLevel.Debug,
        "warn" => LogEventLevel.Warning,
        "error" => LogEventLevel.Error,
        _ => LogEventLevel.Information,
    };

    /// <param name="level">When given, the level follows it (a reload changes it); else logging.level.</param>
    public static Serilog.ILogger Create(LoggingConfig config, Serilog.Core.LoggingLevelSwitch? level = null)
    {
        OwnerOnlyLogFiles.EnsureDirectory(config.Dir);
        OwnerOnlyFiles.Restrict(config.Dir, "router*.log");
        // Serilog's provider takes every level from Microsoft.Extensions.Logging: its own levels decide.
        var logger = level is null ? new LoggerConfiguration().MinimumLevel.Is(Level(config)) : new LoggerConfiguration().MinimumLevel.ControlledBy(level);
        foreach (var category in QuietCategories)
            logger = logger.MinimumLevel.Override(category, LogEventLevel.Warning);
        return logger
            .WriteTo.File(Path.Combine(config.Dir, FileName),
                outputTemplate: "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} {Level:u4} {SourceContext}: {Message:lj}{NewLine}{Exception}",
                fileSizeLimitBytes: 10 * 1024 * 1024, rollOnFileSizeLimit: true, retainedFileCountLimit: 5,
                flushToDiskInterval: TimeSpan.FromSeconds(1), hooks: OwnerOnlyLogFiles.Instance)
            .CreateLogger();
    }
}
