using Akka.Actor;
using Akka.Event;
using Akka.Dispatch;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Router.Actors.Hosting;

/// <summary>
/// Akka's log events into Microsoft.Extensions.Logging, formatted by Akka itself: its templates
/// number their holes ({0}, {1}) and name them in any order, which a message-template logger fills
/// by position, putting values in the wrong places. A cause from remoting or cluster (a peer went
/// away) is told in one line; other causes keep their stack trace.
/// </summary>
public sealed class AkkaLogBridge : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory _factory;

    public AkkaLogBridge()
    {
        _factory = Context.System.Settings.Setup.Get<LoggerFactorySetup>().Value?.LoggerFactory
            ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Log);
    }

    private void Log(LogEvent e)
    {
        var logger = _factory.CreateLogger(Category(e));
        var level = Level(e.LogLevel());
        if (!logger.IsEnabled(level)) return;
        var message = e.Message?.ToString() ?? "";
        if (e.Cause is null)
            logger.Log(level, "{AkkaMessage}", message);
        else if (IsPeerTrouble(e))
            logger.Log(level, "{AkkaMessage} ({Cause}: {CauseMessage})", message, e.Cause.GetType().Name, e.Cause.Message);
        else
            logger.Log(level, e.Cause, "{AkkaMessage}", message);
    }

    private static string Category(LogEvent e) => e.LogClass?.FullName ?? e.LogSource ?? "Akka";

    private static bool IsPeerTrouble(LogEvent e) =>
        Category(e).StartsWith("Akka.Remote", StringComparison.Ordinal)
        || Category(e).StartsWith("Akka.Cluster", StringComparison.Ordinal)
        || e.Cause is System.Net.Sockets.SocketException or TimeoutException or Akka.Remote.Transport.InvalidAssociationException;

    private static LogLevel Level(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => LogLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => LogLevel.Information,
        Akka.Event.LogLevel.WarningLevel => LogLevel.Warning,
        _ => LogLevel.Error,
    };
}
