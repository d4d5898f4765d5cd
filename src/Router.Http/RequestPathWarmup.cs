using Router.Actors.Dispatch;
using Router.Actors.Telemetry;

namespace Router.Http;

/// <summary>
/// Builds the request path's singletons while the router starts, after the actor system and before Kestrel
/// listens. Built by the first requests instead, the answer writer's stream hosts ask the materializer's
/// supervisor for their actors and block on the reply; with a burst of first requests every pool thread waits
/// (on that reply or on the container's lock) and the reply has no thread to run on: 20 s, then a 500.
/// </summary>
public sealed class RequestPathWarmup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<FrontDoor>();
        services.GetRequiredService<RequestDispatcher>();
        services.GetRequiredService<AnswerWriter>();
        services.GetRequiredService<RequestLog>();
        services.GetRequiredService<UsageLedger>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
