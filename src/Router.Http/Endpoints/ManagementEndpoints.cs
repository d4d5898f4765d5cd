using System.Diagnostics;
using System.Text.Json.Nodes;
using Akka.Actor;
using Router.Actors.Configuration;
using Router.Actors.Hosting.Cluster;
using Akka.Hosting;
using Router.Actors.Accounts;
using Router.Actors.Hosting;
using Router.Actors.Providers;
using Router.Actors.Routing;
using Router.Actors.Services;

namespace Router.Http.Endpoints;

/// <summary>
/// /v0/management/*: what `router status` shows (router pid and uptime; each provider's health,
/// accounts and last error; each side service's pid, uptime and restarts), `router restart NAME`, and
/// POST /v0/management/accounts/{id}/reset ({id}: an account's label such as `openai-main#1`, or its
/// entity id). Needs the management key (or loopback). No secrets: an account appears by its label,
/// with its identity (an email, a session id) beside it for signed-in accounts.
/// </summary>
public static class ManagementEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);
    private static readonly DateTimeOffset StartedAt = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    public static void Map(WebApplication app)
    {
        app.MapGet("/v0/management/status", StatusAsync);
        app.MapPost("/v0/management/services/{name}/restart", RestartAsync);
        app.MapPost("/v0/management/accounts/{id}/reset", ResetAsync);
    }

    private static async Task StatusAsync(HttpContext context, ManagementGuard guard, IRequiredActor<RoutingActor> routing, IRequiredActor<ServiceSupervisor> services, ActorSystem system, RouterConfig config)
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
            ["cluster"] = (await ClusterView.Of(system, config.Cluster.Enabled).WithShardingAsync(system, TimeSpan.FromSeconds(2))).ToJson(),
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
            entry["accounts"] = new JsonArray(status.Accounts.Select(a => (JsonNode)Describe(a)).ToArray());
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

    /// <summary>An account as the status shows it: label, identity when signed in, health, cooldown, next probe, counters.</summary>
    internal static JsonObject Describe(AccountSnapshot a) => new()
    {
        ["name"] = a.Name,
        ["identity"] = a.Identity,
        ["health"] = a.Health.ToString().ToLowerInvariant(),
        ["reason"] = a.HealthReason,
        ["cooldown_until"] = a.CooldownUntil?.ToString("O"),
        ["next_probe_at"] = a.NextProbeAt?.ToString("O"),
        ["token_expires_at"] = a.TokenExpiresAt?.ToString("O"),
        ["in_flight"] = a.InFlight,
        ["requests"] = a.Counters.Requests,
        ["failed"] = a.Counters.Failed,
    };

    /// <summary>Clears an account's unauthenticated, cooldown and degraded state (a signed-in account keeps its token and renewal rules).</summary>
    private static async Task ResetAsync(HttpContext context, string id, ManagementGuard guard, IRequiredActor<RoutingActor> routing, IRequiredActor<AccountRegion> accounts)
    {
        if (!await guard.AdmitAsync(context)) return;
        var catalog = await routing.ActorRef.Ask<ProviderCatalog>(GetProviders.Instance, AskTimeout, context.RequestAborted);
        foreach (var provider in catalog.All.Where(p => p.Actor is not null))
        {
            var status = await provider.StatusAsync(AskTimeout);
            if (status.Accounts.FirstOrDefault(a => a.Name == id || a.EntityId == id) is not { } account) continue;
            var reset = await accounts.ActorRef.Ask<AccountSnapshot>(new ResetAccount(account.EntityId), AskTimeout, context.RequestAborted);
            await SignInAnswers.WriteAsync(context, 200, new JsonObject { ["reset"] = reset.Name, ["provider"] = provider.Name, ["account"] = Describe(reset) });
            return;
        }
        await SignInAnswers.FailAsync(context, 404, "No account has that name: use a label such as 'provider#1' (see /v0/management/status).");
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
