using Router.Actors.Configuration;
using Serilog;
using Serilog.Events;

namespace Router.Http;

/// <summary>{logging.dir}/router.log: the router's own log and its request lines, rotated at 10 MB, five files kept.</summary>
public static class RouterLogFile
{
    public const string FileName = "router.log";

    public static Serilog.ILogger Create(LoggingConfig config)
    {
        Directory.CreateDirectory(config.Dir);
        return new LoggerConfiguration()
            .MinimumLevel.Verbose() // Microsoft.Extensions.Logging filters first
            .WriteTo.File(Path.Combine(config.Dir, FileName),
                outputTemplate: "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} {Level:u4} {SourceContext}: {Message:lj}{NewLine}{Exception}",
                fileSizeLimitBytes: 10 * 1024 * 1024, rollOnFileSizeLimit: true, retainedFileCountLimit: 5,
                flushToDiskInterval: TimeSpan.FromSeconds(1))
            .CreateLogger();
    }
}
