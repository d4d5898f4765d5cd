using Router.Actors.Configuration.Reading;
using Router.Actors.Providers.Types;
using YamlDotNet.RepresentationModel;

namespace Router.Actors.Configuration.Blocks;

/// <summary>`providers:` one block per provider; its type (from <see cref="ProviderTypes"/>) decides which keys it takes.</summary>
internal sealed class ProvidersBlock(ConfigSource source) : BlockReader(source)
{
    private readonly SignInBlocks _signIn = new(source);
    private readonly ServiceBlocks _services = new(source);

    public List<ProviderConfig> Read(ConfigEntry? section) =>
        section is { } s
            ? Mapping(s.Value, s.Path, allowed: null, expected: "a mapping of provider names to provider blocks").Select(Provider).ToList()
            : [];

    private ProviderConfig Provider(ConfigEntry provider)
    {
        var name = provider.Key;
        if (name.Trim().Length == 0 || name is "." or ".." || name.Any(c => c is '/' or '\\' || char.IsControl(c)))
            throw Error(provider.KeyNode, provider.Path, "a provider name must be non-empty and hold no '/', '\\' or control characters");

        var entries = Mapping(provider.Value, provider.Path, allowed: null);
        var type = TypeOf(provider, entries);
        CheckKeys(entries, type);

        var config = new ProviderConfig { Name = name, Type = type.Name, Line = (int)provider.KeyNode.Start.Line };
        var extra = new Dictionary<string, object?>(StringComparer.Ordinal);
        string? baseUrl = null;
        foreach (var e in entries)
        {
            switch (e.Key)
            {
                case "type":
                    break;
                case "base_url":
                    baseUrl = HttpUrl(e);
                    break;
                case "account_header":
                    if (AccountHeader(e) is { } header)
                        extra[e.Key] = header;
                    break;
                case "target_url" or "login_url":
                    if (HttpUrl(e) is { } url)
                        extra[e.Key] = url;
                    break;
                case "model_suffix":
                    extra[e.Key] = String(e) ?? "";
                    break;
                case "worker":
                    // aistudio's own name for its worker process: a service block by another name.
                    if (entries.Any(other => other.Key == "service"))
                        throw Error(e.KeyNode, e.Path, "give the worker process as 'service' or as 'worker', not both");
                    config = config with { Service = _services.Service(e) };
                    break;
                case "browser":
                    if (IsNull(e.Value))
                        break;
                    if (e.Value is not YamlMappingNode)
                        throw Error(e.Value, e.Path, $"expected a mapping, got {Kind(e.Value)}");
                    extra[e.Key] = Plain(e.Value, e.Path);
                    break;
                default:
                    config = Common(config, e);
                    break;
            }
        }

        baseUrl ??= type.DefaultBaseUrl;
        if (baseUrl is null && type.NeedsBaseUrl)
            throw Error(provider.KeyNode, Child(provider.Path, "base_url"), $"missing required key 'base_url' (type '{type.Name}' needs the upstream's absolute http(s) URL)");
        RequireBlock(provider, config, type);
        return config with { BaseUrl = baseUrl ?? "", Extra = extra };
    }

    /// <summary>The keys every provider block may carry (and the sign-in blocks, which the type check has already let through).</summary>
    private ProviderConfig Common(ProviderConfig config, ConfigEntry e) => e.Key switch
    {
        "enabled" => config with { Enabled = Bool(e) ?? config.Enabled },
        "api_keys" => config with { ApiKeys = StringList(e) ?? config.ApiKeys },
        "headers" => config with { Headers = Headers(e) },
        "models" => config with { Models = StringList(e) ?? config.Models },
        "timeout" => config with { Timeout = Int(e, 1, int.MaxValue, "a positive number of seconds") ?? config.Timeout },
        "max_in_flight" => config with { MaxInFlight = Int(e, 0, int.MaxValue, "a number >= 0 (0 = unlimited)") ?? config.MaxInFlight },
        "cooldown" => config with { Cooldown = Int(e, 0, int.MaxValue, "a number of seconds >= 0") ?? config.Cooldown },
        "probe_after" => config with { ProbeAfter = Int(e, 1, 3600, "a number of seconds from 1 to 3600") ?? config.ProbeAfter },
        "accepts_images" => config with { AcceptsImages = Bool(e) ?? config.AcceptsImages },
        "http_version" => config with { HttpVersion = OneOf(e, UpstreamHttpVersions.Names) is { } v ? UpstreamHttpVersions.Parse(v) : config.HttpVersion },
        "oauth" => config with { OAuth = _signIn.OAuth(e) },
        "clerk" => config with { Clerk = _signIn.Clerk(e) },
        "service" => config with { Service = _services.Service(e) },
        "health_check" => config with { HealthCheck = _services.HealthCheck(e) },
        _ => throw new InvalidOperationException($"ConfigKeys lists provider key '{e.Key}' that ProvidersBlock does not read"),
    };

    private ProviderType TypeOf(ConfigEntry provider, List<ConfigEntry> entries)
    {
        var typeEntry = entries.FirstOrDefault(e => e.Key == "type");
        var expected = $"(expected one of: {string.Join(", ", ProviderTypes.Names)})";
        if (typeEntry.Key is null)
            throw Error(provider.KeyNode, Child(provider.Path, "type"), $"missing required key 'type' {expected}");
        var name = String(typeEntry);
        if (string.IsNullOrEmpty(name))
            throw Error(typeEntry.Value, typeEntry.Path, $"missing a value {expected}");
        return ProviderTypes.Find(name) ?? throw Error(typeEntry.Value, typeEntry.Path, $"unknown provider type '{Shorten(name)}' {expected}");
    }

    private void CheckKeys(List<ConfigEntry> entries, ProviderType type)
    {
        var allowed = ConfigKeys.ProviderOf(type);
        foreach (var e in entries.Where(e => !allowed.Contains(e.Key)))
        {
            var owners = ProviderTypes.Taking(e.Key).Select(t => t.Name).ToList();
            var hint = owners.Count > 0 ? $"; '{e.Key}' belongs to type {string.Join(", ", owners)}" : "";
            throw Error(e.KeyNode, e.Path, $"unknown key '{e.Key}' for type '{type.Name}' (allowed: {string.Join(", ", allowed)}{hint})");
        }
    }

    private void RequireBlock(ConfigEntry provider, ProviderConfig config, ProviderType type)
    {
        if (!config.Enabled || type.RequiredBlock is not { } block) return;
        var present = block switch
        {
            "oauth" => config.OAuth is not null,
            "clerk" => config.Clerk is not null,
            _ => true,
        };
        if (!present)
            throw Error(provider.KeyNode, Child(provider.Path, block), $"missing required block '{block}' (type '{type.Name}' needs it; see docs/configuration.md)");
    }

    private string? AccountHeader(ConfigEntry e)
    {
        var header = String(e);
        if (string.IsNullOrEmpty(header))
            return null;
        return IsHeaderName(header) ? header : throw Error(e.Value, e.Path, "expected an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)");
    }

    private Dictionary<string, string> Headers(ConfigEntry e)
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
}
