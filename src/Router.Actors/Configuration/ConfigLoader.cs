using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Router.Actors.Configuration;

/// <summary>
/// Reads config.unified.yaml (contract: shared/contract/config.md) into a <see cref="RouterConfig"/>.
/// snake_case keys map onto the records; every scalar value goes through <c>${ENV}</c> expansion;
/// auth.dir and logging.dir are made absolute (<c>~</c> = home, relative = against the file's folder).
/// Anything wrong throws a <see cref="ConfigException"/> with one line <c>FILE:LINE: key.path: what is wrong</c>;
/// secret values (keys, cookies, connection strings, header values, provider sub-blocks) never appear in it.
/// </summary>
public static partial class ConfigLoader
{
    /// <summary>The provider types the router implements (contract table order).</summary>
    public static IReadOnlyList<string> ProviderTypes { get; } =
        ["openai", "openai-responses", "anthropic", "gemini", "claude-oauth", "chatgpt-oauth", "ctonew", "aistudio", "http-proxy", "echo"];

    /// <summary>base_url used when a provider of this type leaves it out.</summary>
    public static IReadOnlyDictionary<string, string> DefaultBaseUrls { get; } = new Dictionary<string, string>
    {
        ["openai"] = "https://api.openai.com/v1",
        ["openai-responses"] = "https://api.openai.com/v1",
        ["anthropic"] = "https://api.anthropic.com",
        ["gemini"] = "https://generativelanguage.googleapis.com",
    };

    private static readonly HashSet<string> BaseUrlRequired =
        ["openai", "openai-responses", "anthropic", "gemini", "http-proxy", "claude-oauth", "chatgpt-oauth", "ctonew"];

    private static readonly string[] RootKeys = ["server", "auth", "websocket", "logging", "cluster", "providers", "models"];
    private static readonly string[] ServerKeys = ["host", "port", "api_keys", "management_key", "max_body_bytes", "shutdown_timeout", "max_connections", "allowed_hosts", "cors_origins"];
    private static readonly string[] AuthKeys = ["dir", "store", "connection_string"];
    private static readonly string[] WebSocketKeys = ["enabled", "path", "ping_interval"];
    private static readonly string[] LoggingKeys = ["level", "dir", "request_log"];
    private static readonly string[] ClusterKeys = ["enabled", "hostname", "port", "seed_nodes"];
    private static readonly string[] ProviderKeys =
    [
        "type", "enabled", "base_url", "api_keys", "headers", "models", "timeout", "max_in_flight", "cooldown", "accepts_images",
        "oauth", "clerk", "service", "health_check", "account_header", "target_url", "login_url", "browser",
    ];
    private static readonly string[] ModelsKeys = ["routing", "aliases"];
    private static readonly string[] RouteKeys = ["pattern", "providers"];

    private static readonly string[] LogLevels = ["debug", "info", "warn", "error"];
    private static readonly string[] Stores = ["sqlite", "postgres"];

    /// <summary>Reads and validates the file at <paramref name="path"/>; relative paths inside resolve against its folder.</summary>
    public static RouterConfig LoadFile(string path)
    {
        string text;
        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(path);
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            throw new ConfigException(e is FileNotFoundException or DirectoryNotFoundException
                ? $"{path}: config file not found (looked at {Path.GetFullPath(path)}; pass --config PATH)"
                : $"{path}: cannot read the config file: {YamlReader.OneLine(e.Message)}");
        }
        return LoadText(text, path, Path.GetDirectoryName(fullPath)!) with { SourcePath = fullPath };
    }

    /// <summary>
    /// Reads and validates <paramref name="yaml"/>. <paramref name="sourceName"/> prefixes every message;
    /// relative auth.dir / logging.dir resolve against <paramref name="baseDirectory"/>.
    /// </summary>
    public static RouterConfig LoadText(string yaml, string sourceName, string baseDirectory)
    {
        var baseDir = Path.GetFullPath(string.IsNullOrEmpty(baseDirectory) ? Directory.GetCurrentDirectory() : baseDirectory);
        var root = YamlReader.Parse(yaml, sourceName);
        return new Reader(sourceName, baseDir).Root(root) with { SourcePath = sourceName };
    }

    private readonly record struct Entry(string Key, YamlScalarNode KeyNode, YamlNode Value, string Path);

    private sealed partial class Reader(string source, string baseDir)
    {
        // ---- sections --------------------------------------------------------------------------

        public RouterConfig Root(YamlNode? root)
        {
            var sections = Mapping(root, "", RootKeys).ToDictionary(e => e.Key);
            var providers = Providers(sections.GetValueOrDefault("providers"));
            return new RouterConfig
            {
                Server = Server(sections.GetValueOrDefault("server")),
                Auth = Auth(sections.GetValueOrDefault("auth")),
                WebSocket = WebSocket(sections.GetValueOrDefault("websocket")),
                Logging = Logging(sections.GetValueOrDefault("logging")),
                Cluster = Cluster(sections.GetValueOrDefault("cluster")),
                Providers = providers,
                Models = Models(sections.GetValueOrDefault("models"), providers),
            };
        }

        private ServerConfig Server(Entry? section)
        {
            var config = new ServerConfig();
            Entry? host = null;
            foreach (var e in Section(section, ServerKeys))
            {
                switch (e.Key)
                {
                    case "host":
                        host = e;
                        config = config with { Host = NonEmptyString(e) ?? config.Host };
                        break;
                    case "port":
                        config = config with { Port = Port(e) ?? config.Port };
                        break;
                    case "api_keys":
                        config = config with { ApiKeys = StringList(e) ?? config.ApiKeys };
                        break;
                    case "management_key":
                        config = config with { ManagementKey = String(e) ?? config.ManagementKey };
                        break;
                    case "allowed_hosts":
                        config = config with { AllowedHosts = StringList(e) ?? config.AllowedHosts };
                        break;
                    case "cors_origins":
                        config = config with { CorsOrigins = StringList(e) ?? config.CorsOrigins };
                        break;
                    case "max_body_bytes":
                        config = config with { MaxBodyBytes = Integer(e, 1, long.MaxValue, "a positive number of bytes") ?? config.MaxBodyBytes };
                        break;
                    case "max_connections":
                        config = config with { MaxConnections = Integer(e, 1, long.MaxValue, "a positive number of connections") };
                        break;
                    case "shutdown_timeout":
                        config = config with { ShutdownTimeout = Int(e, 0, 3600, "a number of seconds in 0..3600") ?? config.ShutdownTimeout };
                        break;
                }
            }

            if (host is { } h && !IsLoopback(config.Host) && !config.ApiKeys.Any(k => !string.IsNullOrWhiteSpace(k)))
                throw Error(h.Value, h.Path,
                    $"host '{Shorten(config.Host)}' is not a loopback address, so server.api_keys must list at least one non-empty key");
            return config;
        }

        private AuthConfig Auth(Entry? section)
        {
            var config = new AuthConfig();
            Entry? store = null;
            foreach (var e in Section(section, AuthKeys))
            {
                switch (e.Key)
                {
                    case "dir":
                        config = config with { Dir = PathValue(e) ?? config.Dir };
                        break;
                    case "store":
                        store = e;
                        config = config with { Store = OneOf(e, Stores) ?? config.Store };
                        break;
                    case "connection_string":
                        config = config with { ConnectionString = String(e) ?? config.ConnectionString };
                        break;
                }
            }

            if (config.Store == "postgres" && string.IsNullOrWhiteSpace(config.ConnectionString))
                throw Error(store!.Value.Value, Child(section!.Value.Path, "connection_string"), "required (non-empty) when auth.store is 'postgres'");
            return config with { Dir = EnvExpander.ResolvePath(config.Dir, baseDir) };
        }

        private WebSocketConfig WebSocket(Entry? section)
        {
            var config = new WebSocketConfig();
            foreach (var e in Section(section, WebSocketKeys))
            {
                switch (e.Key)
                {
                    case "enabled":
                        config = config with { Enabled = Bool(e) ?? config.Enabled };
                        break;
                    case "path":
                        var path = NonEmptyString(e);
                        if (path is not null && !path.StartsWith('/'))
                            throw Error(e.Value, e.Path, $"must start with '/' (got '{Shorten(path)}')");
                        config = config with { Path = path ?? config.Path };
                        break;
                    case "ping_interval":
                        config = config with { PingInterval = Int(e, 1, int.MaxValue, "a positive number of seconds") ?? config.PingInterval };
                        break;
                }
            }
            return config;
        }

        private LoggingConfig Logging(Entry? section)
        {
            var config = new LoggingConfig();
            foreach (var e in Section(section, LoggingKeys))
            {
                switch (e.Key)
                {
                    case "level":
                        config = config with { Level = OneOf(e, LogLevels) ?? config.Level };
                        break;
                    case "dir":
                        config = config with { Dir = PathValue(e) ?? config.Dir };
                        break;
                    case "request_log":
                        config = config with { RequestLog = Bool(e) ?? config.RequestLog };
                        break;
                }
            }
            return config with { Dir = EnvExpander.ResolvePath(config.Dir, baseDir) };
        }

        private ClusterConfig Cluster(Entry? section)
        {
            var config = new ClusterConfig();
            foreach (var e in Section(section, ClusterKeys))
            {
                switch (e.Key)
                {
                    case "enabled":
                        config = config with { Enabled = Bool(e) ?? config.Enabled };
                        break;
                    case "hostname":
                        config = config with { Hostname = NonEmptyString(e) ?? config.Hostname };
                        break;
                    case "port":
                        config = config with { Port = Port(e) ?? config.Port };
                        break;
                    case "seed_nodes":
                        var nodes = StringListNodes(e);
                        if (nodes is null)
                            break;
                        foreach (var (value, node, path) in nodes)
                        {
                            if (!IsSeedNode(value))
                                throw Error(node, path, $"expected an address like akka.tcp://router@host:4053 (got '{Shorten(value)}')");
                        }
                        config = config with { SeedNodes = nodes.Select(n => n.Value).ToList() };
                        break;
                }
            }
            return config;
        }

        private List<ProviderConfig> Providers(Entry? section)
        {
            var providers = new List<ProviderConfig>();
            if (section is not { } s)
                return providers;
            foreach (var e in Mapping(s.Value, s.Path, allowed: null, expected: "a mapping of provider names to provider blocks"))
                providers.Add(Provider(e));
            return providers;
        }

        private ProviderConfig Provider(Entry provider)
        {
            var name = provider.Key;
            var line = (int)provider.KeyNode.Start.Line;
            if (name.Trim().Length == 0 || name is "." or ".." || name.Any(c => c is '/' or '\\' || char.IsControl(c)))
                throw Error(provider.KeyNode, provider.Path, "a provider name must be non-empty and hold no '/', '\\' or control characters");

            var entries = Mapping(provider.Value, provider.Path, ProviderKeys);
            var typeEntry = entries.FirstOrDefault(e => e.Key == "type");
            var expected = $"(expected one of: {string.Join(", ", ProviderTypes)})";
            if (typeEntry.Key is null)
                throw Error(provider.KeyNode, Child(provider.Path, "type"), $"missing required key 'type' {expected}");
            var type = String(typeEntry);
            if (string.IsNullOrEmpty(type))
                throw Error(typeEntry.Value, typeEntry.Path, $"missing a value {expected}");
            if (!ProviderTypes.Contains(type))
                throw Error(typeEntry.Value, typeEntry.Path, $"unknown provider type '{Shorten(type)}' {expected}");

            var config = new ProviderConfig { Name = name, Type = type, Line = line };
            var extra = new Dictionary<string, object?>(StringComparer.Ordinal);
            string? baseUrl = null;
            foreach (var e in entries)
            {
                switch (e.Key)
                {
                    case "type":
                        break;
                    case "enabled":
                        config = config with { Enabled = Bool(e) ?? config.Enabled };
                        break;
                    case "base_url":
                        baseUrl = HttpUrl(e);
                        break;
                    case "api_keys":
                        config = config with { ApiKeys = StringList(e) ?? config.ApiKeys };
                        break;
                    case "headers":
                        config = config with { Headers = Headers(e) };
                        break;
                    case "models":
                        config = config with { Models = StringList(e) ?? config.Models };
                        break;
                    case "timeout":
                        config = config with { Timeout = Int(e, 1, int.MaxValue, "a positive number of seconds") ?? config.Timeout };
                        break;
                    case "max_in_flight":
                        config = config with { MaxInFlight = Int(e, 0, int.MaxValue, "a number >= 0 (0 = unlimited)") ?? config.MaxInFlight };
                        break;
                    case "cooldown":
                        config = config with { Cooldown = Int(e, 0, int.MaxValue, "a number of seconds >= 0") ?? config.Cooldown };
                        break;
                    case "accepts_images":
                        config = config with { AcceptsImages = Bool(e) ?? config.AcceptsImages };
                        break;
                    case "account_header":
                        var header = String(e);
                        if (string.IsNullOrEmpty(header))
                            break;
                        if (!IsHeaderName(header))
                            throw Error(e.Value, e.Path, "expected an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)");
                        extra[e.Key] = header;
                        break;
                    case "target_url" or "login_url":
                        if (HttpUrl(e) is { } url)
                            extra[e.Key] = url;
                        break;
                    case "oauth":
                        config = config with { OAuth = OAuthBlock(e) };
                        break;
                    case "clerk":
                        config = config with { Clerk = ClerkBlock(e) };
                        break;
                    case "service":
                        config = config with { Service = ServiceBlock(e) };
                        break;
                    case "health_check":
                        config = config with { HealthCheck = HealthCheckBlock(e) };
                        break;
                    default: // browser
                        if (IsNull(e.Value))
                            break;
                        if (e.Value is not YamlMappingNode)
                            throw Error(e.Value, e.Path, $"expected a mapping, got {Kind(e.Value)}");
                        extra[e.Key] = Plain(e.Value, e.Path);
                        break;
                }
            }

            if (baseUrl is null)
            {
                if (DefaultBaseUrls.TryGetValue(type, out var fallback))
                    baseUrl = fallback;
                else if (BaseUrlRequired.Contains(type))
                    throw Error(provider.KeyNode, Child(provider.Path, "base_url"), $"missing required key 'base_url' (type '{type}' needs the upstream's absolute http(s) URL)");
            }
            RequireBlocks(provider, config);
            return config with { BaseUrl = baseUrl ?? "", Extra = extra };
        }

        private ModelsConfig Models(Entry? section, List<ProviderConfig> providers)
        {
            var config = new ModelsConfig();
            foreach (var e in Section(section, ModelsKeys))
            {
                switch (e.Key)
                {
                    case "routing":
                        config = config with { Routing = Routing(e, providers) };
                        break;
                    case "aliases":
                        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
                        foreach (var alias in Mapping(e.Value, e.Path, allowed: null, expected: "a mapping of public model names to upstream model names"))
                        {
                            var target = String(alias);
                            if (string.IsNullOrWhiteSpace(target))
                                throw Error(alias.Value, alias.Path, "expected a non-empty model name");
                            aliases[alias.Key] = target;
                        }
                        config = config with { Aliases = aliases };
                        break;
                }
            }
            return config;
        }

        private List<RouteConfig> Routing(Entry routing, List<ProviderConfig> providers)
        {
            var routes = new List<RouteConfig>();
            if (IsNull(routing.Value))
                return routes;
            if (routing.Value is not YamlSequenceNode list)
                throw Error(routing.Value, routing.Path, $"expected a list of {{pattern, providers}} entries, got {Kind(routing.Value)}");

            var defined = providers.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < list.Children.Count; i++)
            {
                var item = list.Children[i];
                var path = $"{routing.Path}[{i}]";
                if (IsNull(item))
                    throw Error(item, path, "expected a mapping with 'pattern' and 'providers'");
                var entries = Mapping(item, path, RouteKeys);

                var patternEntry = entries.FirstOrDefault(e => e.Key == "pattern");
                if (patternEntry.Key is null)
                    throw Error(item, Child(path, "pattern"), "missing required key 'pattern'");
                var pattern = String(patternEntry);
                if (string.IsNullOrEmpty(pattern))
                    throw Error(patternEntry.Value, patternEntry.Path, "expected a non-empty regular expression");
                try
                {
                    _ = new Regex(pattern, RegexOptions.CultureInvariant);
                }
                catch (ArgumentException ex)
                {
                    var reason = ex is RegexParseException parse ? $"{parse.Error} at offset {parse.Offset}" : YamlReader.OneLine(ex.Message);
                    throw Error(patternEntry.Value, patternEntry.Path, $"invalid regular expression '{Shorten(pattern)}' ({reason})");
                }

                var providersEntry = entries.FirstOrDefault(e => e.Key == "providers");
                if (providersEntry.Key is null)
                    throw Error(item, Child(path, "providers"), "missing required key 'providers' (a non-empty list of provider names)");
                var names = StringListNodes(providersEntry) ?? [];
                if (names.Count == 0)
                    throw Error(providersEntry.Value, providersEntry.Path, "expected a non-empty list of provider names");
                foreach (var (name, node, namePath) in names)
                {
                    if (!defined.Contains(name))
                    {
                        var known = defined.Count == 0 ? "no providers are defined" : $"defined: {string.Join(", ", providers.Select(p => p.Name))}";
                        throw Error(node, namePath, $"undefined provider '{Shorten(name)}' ({known})");
                    }
                }
                routes.Add(new RouteConfig(pattern, names.Select(n => n.Value).ToList(), (int)item.Start.Line));
            }
            return routes;
        }

        // ---- typed values ------------------------------------------------------------------------

        private List<Entry> Section(Entry? section, string[] allowed) =>
            section is { } s ? Mapping(s.Value, s.Path, allowed) : [];

        /// <summary>The entries of a mapping in file order (null = empty), rejecting keys outside <paramref name="allowed"/>.</summary>
        private List<Entry> Mapping(YamlNode? node, string path, string[]? allowed, string expected = "a mapping")
        {
            var entries = new List<Entry>();
            if (node is null || IsNull(node))
                return entries;
            if (node is not YamlMappingNode mapping)
                throw Error(node, path.Length == 0 ? "(root)" : path, $"expected {expected}, got {Kind(node)}");
            foreach (var (keyNode, value) in mapping.Children)
            {
                if (keyNode is not YamlScalarNode key || key.Value is null)
                    throw Error(keyNode, path.Length == 0 ? "(root)" : path, "keys must be plain strings");
                var keyPath = Child(path, key.Value);
                if (allowed is not null && !allowed.Contains(key.Value))
                    throw Error(key, keyPath, $"unknown key '{key.Value}' (allowed: {string.Join(", ", allowed)})");
                entries.Add(new Entry(key.Value, key, value, keyPath));
            }
            return entries;
        }

        /// <summary>A scalar after <c>${ENV}</c> expansion; null when the value is YAML null (absent).</summary>
        private string? String(Entry e) => String(e.Value, e.Path);

        private string? String(YamlNode node, string path)
        {
            if (IsNull(node))
                return null;
            if (node is not YamlScalarNode scalar)
                throw Error(node, path, $"expected a string, got {Kind(node)}");
            return Expand(scalar, path);
        }

        private string Expand(YamlScalarNode scalar, string path)
        {
            try
            {
                return EnvExpander.Expand(scalar.Value ?? "");
            }
            catch (FormatException ex)
            {
                throw Error(scalar, path, ex.Message);
            }
        }

        private string? NonEmptyString(Entry e)
        {
            var value = String(e);
            if (value is not null && value.Trim().Length == 0)
                throw Error(e.Value, e.Path, "must not be empty");
            return value?.Trim();
        }

        /// <summary>A path value: plain <c>~</c> is the home folder here, not YAML null.</summary>
        private string? PathValue(Entry e)
        {
            if (e.Value is YamlScalarNode { Style: ScalarStyle.Plain, Value: "~" })
                return "~";
            return NonEmptyString(e);
        }

        private string? OneOf(Entry e, string[] allowed)
        {
            var value = String(e)?.Trim();
            if (value is null)
                return null;
            var match = allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase));
            return match ?? throw Error(e.Value, e.Path, $"unknown value '{Shorten(value)}' (expected one of: {string.Join(", ", allowed)})");
        }

        private bool? Bool(Entry e)
        {
            var value = ScalarText(e, "a boolean (true or false)");
            if (value is null)
                return null;
            if (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
                return true;
            if (string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
                return false;
            throw Error(e.Value, e.Path, $"expected a boolean (true or false), got '{Shorten(value)}'");
        }

        private long? Integer(Entry e, long min, long max, string expected)
        {
            var value = ScalarText(e, expected);
            if (value is null)
                return null;
            if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                throw Error(e.Value, e.Path, $"expected {expected}, got '{Shorten(value)}'");
            if (number < min || number > max)
                throw Error(e.Value, e.Path, $"{number} is out of range (expected {expected})");
            return number;
        }

        private int? Int(Entry e, int min, int max, string expected) => (int?)Integer(e, min, max, expected);

        private int? Port(Entry e) => Int(e, 0, 65535, "a port number in 0..65535");

        /// <summary>The expanded text of a non-secret scalar meant to be parsed (number, boolean).</summary>
        private string? ScalarText(Entry e, string expected)
        {
            if (IsNull(e.Value))
                return null;
            if (e.Value is not YamlScalarNode scalar)
                throw Error(e.Value, e.Path, $"expected {expected}, got {Kind(e.Value)}");
            return Expand(scalar, e.Path).Trim();
        }

        private List<string>? StringList(Entry e) => StringListNodes(e)?.Select(n => n.Value).ToList();

        private List<(string Value, YamlNode Node, string Path)>? StringListNodes(Entry e)
        {
            if (IsNull(e.Value))
                return null;
            if (e.Value is not YamlSequenceNode list)
                throw Error(e.Value, e.Path, $"expected a list of strings, got {Kind(e.Value)}");
            var items = new List<(string, YamlNode, string)>();
            for (var i = 0; i < list.Children.Count; i++)
            {
                var item = list.Children[i];
                var path = $"{e.Path}[{i}]";
                if (item is not YamlScalarNode scalar || IsNull(item))
                    throw Error(item, path, $"expected a string, got {Kind(item)}");
                items.Add((Expand(scalar, path), item, path));
            }
            return items;
        }

        private Dictionary<string, string> Headers(Entry e)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in Mapping(e.Value, e.Path, allowed: null, expected: "a mapping of header names to values"))
            {
                if (!IsHeaderName(header.Key))
                    throw Error(header.KeyNode, header.Path, "not a valid HTTP header name");
                if (headers.ContainsKey(header.Key))
                    throw Error(header.KeyNode, header.Path, $"duplicate header '{header.Key}' (header names ignore case)");
                var value = String(header) ?? "";
                if (value.Contains('\r') || value.Contains('\n') || value.Contains('\0'))
                    throw Error(header.Value, header.Path, "a header value must not contain line breaks or NUL");
                headers[header.Key] = value;
            }
            return headers;
        }

        /// <summary>An absolute http(s) URL without its trailing '/', or null when absent/empty. Never quoted in messages (it may carry credentials).</summary>
        private string? HttpUrl(Entry e)
        {
            var value = String(e)?.Trim();
            if (string.IsNullOrEmpty(value))
                return null;
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || string.IsNullOrEmpty(uri.Host))
                throw Error(e.Value, e.Path, "expected an absolute http:// or https:// URL");
            return value.TrimEnd('/');
        }

        /// <summary>A raw block as plain objects: Dictionary&lt;string, object?&gt;, List&lt;object?&gt;, string (expanded) or null.</summary>
        private object? Plain(YamlNode node, string path)
        {
            switch (node)
            {
                case YamlMappingNode:
                    var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var e in Mapping(node, path, allowed: null))
                        map[e.Key] = Plain(e.Value, e.Path);
                    return map;
                case YamlSequenceNode sequence:
                    return sequence.Children.Select((item, i) => Plain(item, $"{path}[{i}]")).ToList();
                case YamlScalarNode scalar:
                    return IsNull(scalar) ? null : Expand(scalar, path);
                default:
                    throw Error(node, path, $"unsupported YAML node {Kind(node)}");
            }
        }

        // ---- helpers -------------------------------------------------------------------------------

        private ConfigException Error(YamlNode node, string path, string what) =>
            new($"{source}:{Math.Max(node.Start.Line, 1)}: {path}: {what}");

        private static string Child(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

        private static bool IsNull(YamlNode node) =>
            node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

        private static string Kind(YamlNode node) => node switch
        {
            YamlMappingNode => "a mapping",
            YamlSequenceNode => "a list",
            _ when IsNull(node) => "null",
            _ => "a scalar",
        };

        private static string Shorten(string value) => value.Length <= 60 ? value : value[..57] + "...";

        private static bool IsLoopback(string host)
        {
            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
                return true;
            var address = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
            return IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip);
        }

        private static bool IsHeaderName(string name) =>
            name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));

        private static bool IsSeedNode(string value) =>
            (value.StartsWith("akka.tcp://", StringComparison.Ordinal) || value.StartsWith("akka://", StringComparison.Ordinal))
            && Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && !string.IsNullOrEmpty(uri.UserInfo) && !string.IsNullOrEmpty(uri.Host) && uri.Port > 0;
    }
}
