using Microsoft.AspNetCore.Hosting.Server;

namespace Router.Http;

/// <summary>
/// Stops Kestrel (no new connections; in-flight requests and streams run to their end, up to
/// server.shutdown_timeout) before the actor system stops: hosted services stop in reverse order of
/// registration, and this one is registered after Akka, so streams still have their actors to finish.
/// </summary>
public sealed class GracefulDrain(IServer server, ILogger<GracefulDrain> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        log.LogInformation("Stopping: no new requests; waiting for in-flight requests and streams");
        await server.StopAsync(cancellationToken);
    }
}
