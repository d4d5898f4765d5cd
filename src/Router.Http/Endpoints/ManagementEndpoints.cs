using System.Diagnostics;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Router.Actors.Providers;
using Router.Actors.Routing;
using Router.Actors.Services;

namespace Router.Http.Endpoints;

/// <summary>
/// /v0/management/*: what `router status` shows (router pid and uptime; each provider's health,
/// accounts and last error; each side service's pid, uptime and restarts) and `router restart NAME`.
/// Needs the management key (or loopback). No secrets: accounts appear by name or identity.
/// </summary>
public static class ManagementEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);
    private static readonly DateTimeOffset StartedAt = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    public static void Map(WebApplication app)
    {
        app.MapGet("/v0/management/status", StatusAsync);
        app.MapPost("/v0/management/services/{name}/restart", RestartAsync);
    }

    private static async Task StatusAsync(HttpContext context, ManagementGuard guard, IRequiredActor<RoutingActor> routing, IRequiredActor<ServiceSupervisor> services)
    {
        if (!await guard.AdmitAsync(context)) return;
        var catalog = await routing.ActorRef.Ask<ProviderCatalog>(GetProviders.Instance, AskTimeout, context.RequestAborted);
        var serviceStatuses = await ServiceStatusesAsync(services.ActorRef, context.RequestAborted);
        var providers = new JsonArray();
        foreach (var provider in catalog.All)
            providers.Add(await DescribeAsync(provider, ServiceOf(provider, serviceStatuses)));
        var now = DateTimeOffset.UtcNow;
        await SignInAnswers.WriteAsync(context, 200, new JsonObject
        {
            ["router"] = new JsonObject
            {
                ["health"] = "healthy",
                ["pid"] = Environment.ProcessId,
                ["started_at"] = StartedAt.ToString("O"),
                ["uptime_seconds"] = (long)(now - StartedAt).TotalSeconds,
                ["version"] = typeof(ManagementEndpoints).Assembly.GetName().Version?.ToString(),
            },
            ["providers"] = providers,
        });
    }

    /// <summary>Every side service's status, or null when the supervisor itself did not answer in time.</summary>
    private static async Task<Dictionary<string, ServiceStatus>?> ServiceStatusesAsync(IActorRef supervisor, CancellationToken aborted)
    {
        try
        {
            return (await supervisor.Ask<ServiceStatuses>(GetServiceStatuses.Instance, AskTimeout, aborted)).Services.ToDictionary(s => s.Provider);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    /// <summary>A provider's service status; "unknown" (not a failed endpoint) when the supervisor did not answer.</summary>
    private static ServiceStatus? ServiceOf(ProviderHandle provider, Dictionary<string, ServiceStatus>? statuses) =>
        statuses is not null ? statuses.GetValueOrDefault(provider.Name)
        : provider.Definition.Config is { Service: null, HealthCheck: null } ? null
        : ServiceStatus.Unknown(provider.Name, "the service supervisor did not answer in time");

    private static async Task<JsonObject> DescribeAsync(ProviderHandle provider, ServiceStatus? service)
    {
        var status = await provider.StatusAsync(AskTimeout);
        var entry = new JsonObject
        {
            ["name"] = provider.Name,
            ["type"] = provider.Definition.Config.Type,
            ["health"] = status.Health,
            ["detail"] = status.Detail ?? status.Accounts.Select(a => a.HealthReason).FirstOrDefault(r => r is not null),
        };
        if (provider.Actor is not null)
            entry["accounts"] = new JsonArray(status.Accounts.Select(a => (JsonNode)new JsonObject
            {
                ["name"] = a.Identity ?? a.Name,
                ["health"] = a.Health.ToString().ToLowerInvariant(),
                ["reason"] = a.HealthReason,
                ["cooldown_until"] = a.CooldownUntil?.ToString("O"),
                ["in_flight"] = a.InFlight,
                ["requests"] = a.Counters.Requests,
                ["failed"] = a.Counters.Failed,
            }).ToArray());
        if (service is not null)
            entry["service"] = new JsonObject
            {
                ["health"] = service.Health,
                ["detail"] = service.Detail,
                ["pid"] = service.Pid,
                ["started_at"] = service.StartedAt?.ToString("O"),
                ["uptime_seconds"] = service.StartedAt is { } at ? (long)(DateTimeOffset.UtcNow - at).TotalSeconds : null,
                ["restarts"] = service.Restarts,
                ["last_exit"] = service.LastExit,
                ["next_start_at"] = service.NextStartAt?.ToString("O"),
                ["backoff_seconds"] = service.Backoff?.TotalSeconds,
                ["log_file"] = service.LogFile,
            };
        return entry;
    }

    private static async Task RestartAsync(HttpContext context, string name, ManagementGuard guard, IRequiredActor<ServiceSupervisor> services)
    {
        if (!await guard.AdmitAsync(context)) return;
        var answer = await services.ActorRef.Ask<object>(new RestartService(name), TimeSpan.FromSeconds(15), context.RequestAborted);
        if (answer is ServiceStatus status)
            await SignInAnswers.WriteAsync(context, 200, new JsonObject { ["restarted"] = name, ["pid"] = status.Pid, ["health"] = status.Health });
        else
            await SignInAnswers.FailAsync(context, 404, $"No provider named '{name}' has a service or health check to restart.");
    }
}
