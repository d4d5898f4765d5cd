namespace Router.Actors.Configuration;

// The typed form of config.unified.yaml (docs/configuration.md). Keys are snake_case in
// YAML and PascalCase here; ConfigLoader maps one to the other and validates everything.

public sealed record RouterConfig
{
    public ServerConfig Server { get; init; } = new();
    public AuthConfig Auth { get; init; } = new();
    public WebSocketConfig WebSocket { get; init; } = new();
    public LoggingConfig Logging { get; init; } = new();
    public ClusterConfig Cluster { get; init; } = new();
    public IReadOnlyList<ProviderConfig> Providers { get; init; } = [];
    public ModelsConfig Models { get; init; } = new();
    public MetricsConfig Metrics { get; init; } = new();
    public TelemetryConfig Telemetry { get; init; } = new();

    /// <summary>Path of the file this config was read from (for messages), or null when built in code.</summary>
    public string? SourcePath { get; init; }
}

public sealed record ServerConfig
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 8317;
    /// <summary>The keys of `server.api_keys` (every entry's `key`); <see cref="ClientKeys"/> has their names, models and limits.</summary>
    public IReadOnlyList<string> ApiKeys
    {
        get => _clientKeys?.Select(k => k.Key).ToArray() ?? _apiKeys;
        init { _apiKeys = value; _clientKeys = null; }
    }
    private IReadOnlyList<string> _apiKeys = [];
    private IReadOnlyList<ClientKeyConfig>? _clientKeys;

    /// <summary>`server.api_keys` as client keys: plain strings are named `key-` + 8 hex digits of their SHA-256.</summary>
    public IReadOnlyList<ClientKeyConfig> ClientKeys
    {
        get => _clientKeys ?? _apiKeys.Where(k => k.Length > 0).Select(ClientKeyConfig.Plain).ToArray();
        init => _clientKeys = value;
    }

    /// <summary>`server.watch_config`: reload the config when its file changes.</summary>
    public bool WatchConfig { get; init; }
    public string ManagementKey { get; init; } = "";
    /// <summary>`server.max_body_bytes`: largest request body accepted (413 beyond). Default 20 MiB.</summary>
    public long MaxBodyBytes { get; init; } = 20 * 1024 * 1024;
    /// <summary>`server.max_connections`: client connections at once; default what the open-files limit carries (see ConnectionLimit).</summary>
    public long? MaxConnections { get; init; }
    /// <summary>`server.shutdown_timeout`: seconds a stop waits for in-flight requests and streams. Default 30.</summary>
    public int ShutdownTimeout { get; init; } = 30;
    /// <summary>`server.worker_keys`: keys relay workers present on the WebSocket relay; never client keys.</summary>
    public IReadOnlyList<string> WorkerKeys { get; init; } = [];
    /// <summary>`server.allowed_hosts`: Host header names accepted besides server.host and the loopback names.</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];
    /// <summary>
    /// `server.cpu_scheduling`: `batch` (the default) puts the router's threads in Linux's SCHED_BATCH class, so a
    /// thread woken by I/O waits for the running one to finish its turn instead of preempting it; `normal` leaves the
    /// scheduling the process started with. Read by `router serve` at start.
    /// </summary>
    public string CpuScheduling { get; init; } = "batch";
    /// <summary>`server.cors_origins`: browser origins (scheme://host[:port], as browsers send them) allowed to call the router.</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    // Keys are secrets: a record's generated ToString would print them.
    public override string ToString() => $"ServerConfig {{ Host = {Host}, Port = {Port}, ApiKeys = {ApiKeys.Count} }}";
}

public sealed record AuthConfig
{
    /// <summary>Already expanded (`~` and `${ENV}`) and absolute.</summary>
    public string Dir { get; init; } = "~/.router";
    public string Store { get; init; } = "sqlite";
    public string ConnectionString { get; init; } = "";

    public override string ToString() => $"AuthConfig {{ Dir = {Dir}, Store = {Store} }}";
}

public sealed record WebSocketConfig
{
    public bool Enabled { get; init; } = true;
    public string Path { get; init; } = "/v1/ws";
    public int PingInterval { get; init; } = 30;
}

public sealed record LoggingConfig
{
    public string Level { get; init; } = "info";
    public string Dir { get; init; } = "./logs";
    public bool RequestLog { get; init; }
}

public sealed record MetricsConfig
{
    /// <summary>`metrics.public`: GET /metrics answers anyone who may reach the router, not only the management key.</summary>
    public bool Public { get; init; }
}

public sealed record TelemetryConfig
{
    /// <summary>`telemetry.otlp_endpoint`: OTLP/HTTP (protobuf) collector base URL traces are exported to; null = no traces.</summary>
    public string? OtlpEndpoint { get; init; }
}

public sealed record ClusterConfig
{
    public bool Enabled { get; init; }
    /// <summary>The address remoting binds to (0.0.0.0 for every interface).</summary>
    public string Hostname { get; init; } = "127.0.0.1";
    /// <summary>`public_hostname`: the address other nodes reach this one at (NAT, Docker); empty = <see cref="Hostname"/>.</summary>
    public string PublicHostname { get; init; } = "";
    public int Port { get; init; } = 4053;
    public IReadOnlyList<string> SeedNodes { get; init; } = [];
    /// <summary>`cluster.secret`: shared by every node; seals the credentials messages carry between nodes. Required when enabled.</summary>
    public string Secret { get; init; } = "";

    public override string ToString() => $"ClusterConfig {{ Enabled = {Enabled}, Hostname = {Hostname}, Port = {Port} }}";
}

public sealed record ProviderConfig
{
    public required string Name { get; init; }
    public required string Type { get; init; }
    public bool Enabled { get; init; } = true;
    public string BaseUrl { get; init; } = "";
    /// <summary>After `${ENV}` expansion; may contain empty strings (those are not accounts).</summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Models { get; init; } = [];
    /// <summary>Seconds for a whole upstream call.</summary>
    public int Timeout { get; init; } = 120;
    /// <summary>`max_in_flight`: concurrent calls one account may carry; 0 = unlimited.</summary>
    public int MaxInFlight { get; init; }
    /// <summary>`cooldown`: seconds an account rests after a 429 that carries no Retry-After.</summary>
    public int Cooldown { get; init; } = 30;
    /// <summary>`probe_after`: seconds before an API-key account refused with 401/403 tries its key again (doubling, at most an hour).</summary>
    public double ProbeAfter { get; init; } = 60;
    /// <summary>`accepts_images`: false for a text-only upstream; requests with images skip it (400 when nothing else is routed).</summary>
    public bool AcceptsImages { get; init; } = true;
    /// <summary>`http_version`: HTTP/1.1, HTTP/2 (h2c with prior knowledge over http://) or auto toward the upstream.</summary>
    public UpstreamHttpVersion HttpVersion { get; init; } = UpstreamHttpVersion.Http11;
    /// <summary>`oauth:` (claude-oauth, chatgpt-oauth).</summary>
    public OAuthConfig? OAuth { get; init; }
    /// <summary>`clerk:` (ctonew).</summary>
    public ClerkConfig? Clerk { get; init; }
    /// <summary>`service:` a side process the router supervises.</summary>
    public ServiceConfig? Service { get; init; }
    /// <summary>`health_check:` how the router checks the upstream (or its side process) is up.</summary>
    public HealthCheckConfig? HealthCheck { get; init; }
    /// <summary>A ServiceActor watches this provider (its side process or its health check) and reports its health.</summary>
    public bool IsWatched => Service is not null || HealthCheck is not null;
    /// <summary>Raw blocks whose keys later provider types define (oauth, clerk, service, health_check, ...).</summary>
    public IReadOnlyDictionary<string, object?> Extra { get; init; } = new Dictionary<string, object?>();
    /// <summary>1-based line of the provider's key in the file, for messages.</summary>
    public int Line { get; init; }

    /// <summary>The keys that are accounts: non-empty after expansion.</summary>
    public IReadOnlyList<string> UsableKeys => ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k)).ToArray();

    // Keys, headers and sub-blocks may hold secrets: a record's generated ToString would print them.
    public override string ToString() => $"ProviderConfig {{ Name = {Name}, Type = {Type} }}";
}

public sealed record ModelsConfig
{
    public IReadOnlyList<RouteConfig> Routing { get; init; } = [];
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>();
}

public sealed record RouteConfig(string Pattern, IReadOnlyList<string> Providers, int Line);
