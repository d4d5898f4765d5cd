namespace Router.Actors.Services;

// Messages of ServiceActor and ServiceSupervisor.

/// <summary>Published on the event stream at every health check and state change of a provider's side service.</summary>
public sealed record ServiceHealthChanged(string Provider, string Health, string? Detail);

/// <summary>
/// Published on the event stream by a provider actor with a side service or health check once it has subscribed to
/// <see cref="ServiceHealthChanged"/>: the provider's ServiceActor reports again, since its last report may have
/// gone out before the provider listened (the two start in no set order).
/// </summary>
public sealed record ServiceHealthWanted(string Provider);

/// <summary>Restart the named provider's service now (backoff reset). Answer: ServiceStatus, or ServiceUnknown.</summary>
public sealed record RestartService(string Provider);

/// <summary>Answer: ServiceStatuses.</summary>
public sealed record GetServiceStatuses
{
    public static readonly GetServiceStatuses Instance = new();
}

public sealed record ServiceUnknown(string Provider);

/// <summary>Stop every side service process (the router is shutting down); no restart follows. Answer: ServicesStopped.</summary>
public sealed record StopServices
{
    public static readonly StopServices Instance = new();
}

public sealed record ServicesStopped
{
    public static readonly ServicesStopped Instance = new();
}

/// <summary>What a service tells about itself (no env values, they may be secrets).</summary>
public sealed record ServiceStatus(
    string Provider,
    string Health,
    string? Detail,
    int? Pid,
    DateTimeOffset? StartedAt,
    int Restarts,
    string? LastExit,
    DateTimeOffset? NextStartAt,
    TimeSpan? Backoff,
    string? LogFile)
{
    public const string UnknownHealth = "unknown";

    /// <summary>What the supervisor says for a service that did not answer in time (it is busy, or failing).</summary>
    public static ServiceStatus Unknown(string provider, string why) => new(provider, UnknownHealth, why, null, null, 0, null, null, null, null);
}

public sealed record ServiceStatuses(IReadOnlyList<ServiceStatus> Services);
