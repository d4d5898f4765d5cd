namespace Router.Actors.Configuration;

/// <summary>`service:` of a provider: a side process the router starts, watches and restarts (WebAI and the like).</summary>
public sealed record ServiceConfig
{
    /// <summary>A shell command line (run with /bin/sh -c), e.g. "python -m webai --port 8406".</summary>
    public required string Command { get; init; }
    /// <summary>Working directory, absolute (relative paths resolve against the config file's folder).</summary>
    public required string Cwd { get; init; }
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
    /// <summary>The port the service listens on, for status (informational).</summary>
    public int? Port { get; init; }
    /// <summary>`auto_start`: start with the router (default true); otherwise only `router restart NAME` starts it.</summary>
    public bool AutoStart { get; init; } = true;
    /// <summary>Environment the router itself gives the process, computed at each start (an AI Studio worker's relay URL
    /// is known only once the router listens); the block's own env wins over it.</summary>
    public Func<IReadOnlyDictionary<string, string>>? StartEnv { get; init; }

    // env values may be secrets.
    public override string ToString() => $"ServiceConfig {{ Cwd = {Cwd}, AutoStart = {AutoStart} }}";
}

/// <summary>`health_check:` of a provider: GET url every interval seconds; 2xx within timeout seconds is healthy.</summary>
public sealed record HealthCheckConfig
{
    public required string Url { get; init; }
    public int Interval { get; init; } = 30;
    public int Timeout { get; init; } = 5;
}
