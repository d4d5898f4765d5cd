using Router.Actors.Providers.Types;

namespace Router.Actors.Configuration;

/// <summary>
/// The keys each block of config.unified.yaml allows, in the order messages list them. A provider block
/// takes <see cref="Provider"/> plus the keys its type adds (<see cref="ProviderType.Blocks"/>).
/// docs/configuration.md documents every key named here.
/// </summary>
public static class ConfigKeys
{
    public static readonly string[] Root = ["server", "auth", "websocket", "logging", "cluster", "providers", "models", "metrics", "telemetry"];
    public static readonly string[] Server =
        ["host", "port", "api_keys", "management_key", "max_body_bytes", "shutdown_timeout", "max_connections", "worker_keys", "allowed_hosts", "cors_origins", "watch_config", "cpu_scheduling"];
    public static readonly string[] ClientKey = ["name", "key", "models", "limits"];
    public static readonly string[] ClientKeyLimits = ["requests_per_minute", "tokens_per_day"];
    public static readonly string[] Auth = ["dir", "store", "connection_string"];
    public static readonly string[] WebSocket = ["enabled", "path", "ping_interval"];
    public static readonly string[] Logging = ["level", "dir", "request_log"];
    public static readonly string[] Cluster = ["enabled", "hostname", "port", "seed_nodes", "secret", "public_hostname"];
    public static readonly string[] Metrics = ["public"];
    public static readonly string[] Telemetry = ["otlp_endpoint"];

    /// <summary>Keys every provider block allows, whatever its type.</summary>
    public static readonly string[] Provider =
        ["type", "enabled", "base_url", "api_keys", "headers", "models", "timeout", "max_in_flight", "cooldown", "accepts_images", "probe_after", "service", "health_check", "http_version"];
    public static readonly string[] OAuth =
        ["authorize_url", "token_url", "client_id", "scopes", "redirect_uri", "userinfo_url", "token_format", "authorize_params"];
    public static readonly string[] Clerk = ["token_url", "cookie"];
    public static readonly string[] Service = ["command", "cwd", "env", "port", "auto_start"];
    public static readonly string[] HealthCheck = ["url", "interval", "timeout"];

    public static readonly string[] Models = ["routing", "aliases"];
    public static readonly string[] Route = ["pattern", "providers"];

    /// <summary>The keys a provider block of <paramref name="type"/> allows.</summary>
    public static string[] ProviderOf(ProviderType type) => [.. Provider, .. type.Blocks];

    /// <summary>Every block by its path in the file (NAME stands for a provider's name), for docs and tests.</summary>
    public static IReadOnlyDictionary<string, string[]> Blocks { get; } = new Dictionary<string, string[]>
    {
        ["(root)"] = Root,
        ["server"] = Server,
        ["server.api_keys[]"] = ClientKey,
        ["server.api_keys[].limits"] = ClientKeyLimits,
        ["auth"] = Auth,
        ["websocket"] = WebSocket,
        ["logging"] = Logging,
        ["cluster"] = Cluster,
        ["metrics"] = Metrics,
        ["telemetry"] = Telemetry,
        ["providers.NAME"] = [.. Provider, .. ProviderTypes.All.SelectMany(t => t.Blocks).Distinct()],
        ["providers.NAME.oauth"] = OAuth,
        ["providers.NAME.clerk"] = Clerk,
        ["providers.NAME.service"] = Service,
        ["providers.NAME.health_check"] = HealthCheck,
        ["models"] = Models,
        ["models.routing[]"] = Route,
    };

    public static readonly string[] LogLevels = ["debug", "info", "warn", "error"];
    public static readonly string[] CpuSchedulings = ["batch", "normal"];
    public static readonly string[] Stores = ["sqlite", "postgres"];
    public static readonly string[] TokenFormats = ["form", "json"];
}
