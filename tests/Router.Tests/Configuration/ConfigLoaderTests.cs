using Router.Actors.Configuration;

namespace Router.Tests.Configuration;

/// <summary>config.unified.yaml → RouterConfig: mapping, defaults, expansion, and one-line validation messages.</summary>
public sealed class ConfigLoaderTests
{
    private const string Source = "test.yaml";
    private static readonly string BaseDir = Path.Combine(Path.GetTempPath(), "router-config-tests");
    private static readonly string Home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static RouterConfig Load(string yaml) => ConfigLoader.LoadText(yaml, Source, BaseDir);

    /// <summary>Loads <paramref name="yaml"/>, expects a ConfigException naming <paramref name="path"/> at <paramref name="line"/>, returns the message.</summary>
    private static string Fails(string yaml, int line, string path, string? contains = null, params string[] secrets)
    {
        var message = Assert.Throws<ConfigException>(() => Load(yaml)).Message;
        Assert.StartsWith($"{Source}:{line}: {path}: ", message);
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain('\r', message);
        if (contains is not null)
            Assert.Contains(contains, message);
        foreach (var secret in secrets)
            Assert.DoesNotContain(secret, message);
        return message;
    }

    private const string FullConfig = """
        server:
          host: 0.0.0.0
          port: 9000
          api_keys: [sk-local-1, sk-local-2]
          management_key: mgmt-secret
          max_body_bytes: 1048576
        auth:
          dir: /var/lib/router
          store: postgres
          connection_string: "Host=db;Password=pw"
        websocket:
          enabled: false
          path: /relay
          ping_interval: 15
        logging:
          level: debug
          dir: logs/router
          request_log: true
        cluster:
          enabled: true
          hostname: 10.0.0.5
          port: 4054
          seed_nodes: ["akka.tcp://router@10.0.0.5:4054", "akka.tcp://router@10.0.0.6:4054"]
          secret: cluster-secret-0123456789
        providers:
          openai-main:
            type: openai
            enabled: false
            base_url: https://example.test/v1/
            api_keys: [sk-a, sk-b]
            headers: { OpenAI-Organization: org-1 }
            models: [gpt-4.1, gpt-4.1-mini]
            timeout: 60
            max_in_flight: 4
            cooldown: 10
          claude-pro:
            type: claude-oauth
            base_url: https://api.anthropic.com
            headers:
              anthropic-beta: oauth-2025-04-20
            oauth:
              authorize_url: https://auth.example.test/authorize
              token_url: https://auth.example.test/token
              client_id: client-1
              scopes: [user:inference, user:profile]
              redirect_uri: http://localhost:8317/v1/auth/llmux/claude/callback
          chatgpt-plus:
            type: chatgpt-oauth
            base_url: https://chat.example.test/backend-api/codex
            account_header: chatgpt-account-id
            oauth: { authorize_url: https://a.test/auth, token_url: https://a.test/token, client_id: c2, scopes: [openid], redirect_uri: http://localhost:8317/cb }
          ctonew:
            type: ctonew
            base_url: https://api.enginelabs.test
            clerk: { token_url: https://clerk.test/v1/tokens/create, cookie: "" }
            models: [ctonew-claude-sonnet-4-5, ctonew-gpt-5]
          aistudio:
            type: aistudio
            models: [gemini-2.5-pro-aistudio]
            target_url: https://generativelanguage.googleapis.com
            login_url: https://aistudio.google.com
            browser: { headless: true, profile_dir: ~/.router/aistudio, max_instances: 1, idle_timeout: 1800 }
            service: { command: "node worker.js", auto_start: true }
          webai:
            type: http-proxy
            base_url: http://localhost:8406/v1
            service: { command: "python -m webai", cwd: ".", env: { MODE: fast }, auto_start: true, port: 8406 }
            health_check: { url: http://localhost:8406/health, interval: 30, timeout: 5 }
            models: [gemini-webai]
          echo:
            type: echo
          responses:
            type: openai-responses
            base_url: https://responses.test/v1
          anthropic-main:
            type: anthropic
          gemini-main:
            type: gemini
            api_keys: [g-1]
        models:
          routing:
            - pattern: "^claude-"
              providers: [claude-pro, anthropic-main]
            - pattern: "^gpt-"
              providers: [chatgpt-plus, openai-main]
            - pattern: "-aistudio$"
              providers: [aistudio]
          aliases:
            smart: claude-opus-4
            fast: gpt-4.1-mini
        """;

    // ---- mapping ---------------------------------------------------------------------------------

    [Fact]
    public void A_full_config_maps_every_key()
    {
        var config = Load(FullConfig);

        Assert.Equal(Source, config.SourcePath);

        Assert.Equal("0.0.0.0", config.Server.Host);
        Assert.Equal(9000, config.Server.Port);
        Assert.Equal(["sk-local-1", "sk-local-2"], config.Server.ApiKeys);
        Assert.Equal("mgmt-secret", config.Server.ManagementKey);
        Assert.Equal(1048576, config.Server.MaxBodyBytes);

        Assert.Equal(Path.GetFullPath("/var/lib/router"), config.Auth.Dir);
        Assert.Equal("postgres", config.Auth.Store);
        Assert.Equal("Host=db;Password=pw", config.Auth.ConnectionString);

        Assert.False(config.WebSocket.Enabled);
        Assert.Equal("/relay", config.WebSocket.Path);
        Assert.Equal(15, config.WebSocket.PingInterval);

        Assert.Equal("debug", config.Logging.Level);
        Assert.Equal(Path.Combine(BaseDir, "logs", "router"), config.Logging.Dir);
        Assert.True(config.Logging.RequestLog);

        Assert.True(config.Cluster.Enabled);
        Assert.Equal("10.0.0.5", config.Cluster.Hostname);
        Assert.Equal(4054, config.Cluster.Port);
        Assert.Equal(["akka.tcp://router@10.0.0.5:4054", "akka.tcp://router@10.0.0.6:4054"], config.Cluster.SeedNodes);
        Assert.Equal("cluster-secret-0123456789", config.Cluster.Secret);

        // Providers keep file order.
        Assert.Equal(
            ["openai-main", "claude-pro", "chatgpt-plus", "ctonew", "aistudio", "webai", "echo", "responses", "anthropic-main", "gemini-main"],
            config.Providers.Select(p => p.Name));

        var openai = config.Providers[0];
        Assert.Equal("openai", openai.Type);
        Assert.False(openai.Enabled);
        Assert.Equal("https://example.test/v1", openai.BaseUrl); // trailing '/' dropped
        Assert.Equal(["sk-a", "sk-b"], openai.ApiKeys);
        Assert.Equal("org-1", openai.Headers["OpenAI-Organization"]);
        Assert.Equal(["gpt-4.1", "gpt-4.1-mini"], openai.Models);
        Assert.Equal(60, openai.Timeout);
        Assert.Equal(4, openai.MaxInFlight);
        Assert.Equal(10, openai.Cooldown);
        Assert.Empty(openai.Extra);
        Assert.Equal(26, openai.Line);

        var claude = config.Providers[1];
        Assert.Equal("claude-oauth", claude.Type);
        Assert.True(claude.Enabled);
        Assert.Equal(120, claude.Timeout);
        Assert.Equal(0, claude.MaxInFlight);
        Assert.Equal(30, claude.Cooldown);
        Assert.Equal("oauth-2025-04-20", claude.Headers["anthropic-beta"]);
        var oauth = claude.OAuth!;
        Assert.Equal("https://auth.example.test/authorize", oauth.AuthorizeUrl);
        Assert.Equal("https://auth.example.test/token", oauth.TokenUrl);
        Assert.Equal("client-1", oauth.ClientId);
        Assert.Equal(["user:inference", "user:profile"], oauth.Scopes);
        Assert.Equal("http://localhost:8317/v1/auth/llmux/claude/callback", oauth.RedirectUri);

        var chatgpt = config.Providers[2];
        Assert.Equal("chatgpt-account-id", chatgpt.Extra["account_header"]);
        Assert.Equal("c2", chatgpt.OAuth!.ClientId);

        var ctonew = config.Providers[3];
        Assert.Equal("https://clerk.test/v1/tokens/create", ctonew.Clerk!.TokenUrl);
        Assert.Equal("", ctonew.Clerk.Cookie);
        Assert.Equal(["ctonew-claude-sonnet-4-5", "ctonew-gpt-5"], ctonew.Models);

        var aistudio = config.Providers[4];
        Assert.Equal("https://generativelanguage.googleapis.com", aistudio.BaseUrl); // the type's default
        Assert.Equal("https://generativelanguage.googleapis.com", aistudio.Extra["target_url"]);
        Assert.Equal("https://aistudio.google.com", aistudio.Extra["login_url"]);
        var browser = Assert.IsType<Dictionary<string, object?>>(aistudio.Extra["browser"]);
        Assert.Equal("true", browser["headless"]);
        Assert.Equal("~/.router/aistudio", browser["profile_dir"]);
        Assert.Equal("1800", browser["idle_timeout"]);
        Assert.Equal("node worker.js", aistudio.Service!.Command);

        var webai = config.Providers[5];
        Assert.Equal("http-proxy", webai.Type);
        Assert.Equal("http://localhost:8406/v1", webai.BaseUrl);
        var service = webai.Service!;
        Assert.Equal("python -m webai", service.Command);
        Assert.Equal(BaseDir, service.Cwd);
        Assert.Equal("fast", service.Env["MODE"]);
        Assert.Equal(8406, service.Port);
        Assert.True(service.AutoStart);
        Assert.Equal("http://localhost:8406/health", webai.HealthCheck!.Url);
        Assert.Equal(30, webai.HealthCheck.Interval);
        Assert.Equal(5, webai.HealthCheck.Timeout);

        Assert.Equal("echo", config.Providers[6].Type);
        Assert.Equal("https://responses.test/v1", config.Providers[7].BaseUrl);
        Assert.Equal("https://api.anthropic.com", config.Providers[8].BaseUrl);          // default
        Assert.Equal("https://generativelanguage.googleapis.com", config.Providers[9].BaseUrl); // default

        Assert.Equal(3, config.Models.Routing.Count);
        Assert.Equal("^claude-", config.Models.Routing[0].Pattern);
        Assert.Equal(["claude-pro", "anthropic-main"], config.Models.Routing[0].Providers);
        Assert.Equal(82, config.Models.Routing[0].Line);
        Assert.Equal(["chatgpt-plus", "openai-main"], config.Models.Routing[1].Providers);
        Assert.Equal("-aistudio$", config.Models.Routing[2].Pattern);
        Assert.Equal("claude-opus-4", config.Models.Aliases["smart"]);
        Assert.Equal("gpt-4.1-mini", config.Models.Aliases["fast"]);
    }

    [Fact]
    public void A_secret_never_shows_in_ToString()
    {
        var config = Load(FullConfig);

        var text = config.ToString();
        Assert.DoesNotContain("sk-local-1", text);
        Assert.DoesNotContain("mgmt-secret", text);
        Assert.DoesNotContain("Password=pw", text);
        Assert.DoesNotContain("sk-a", text);
        Assert.DoesNotContain("cluster-secret-0123456789", text);
    }

    /// <summary>The smallest provider block a config that tests something else needs (a config must name one).</summary>
    private const string Echo = "providers:\n  echo:\n    type: echo\n";

    [Theory]
    [InlineData(Echo)]
    [InlineData("# only a comment\n---\n" + Echo)]
    [InlineData("server:\nauth:\nwebsocket:\nlogging:\ncluster:\nmodels:\n" + Echo)]
    [InlineData("server: {}\nauth: {}\nwebsocket: {}\nlogging: {}\ncluster: {}\nmodels: { routing: [], aliases: {} }\n" + Echo)]
    public void Absent_sections_mean_defaults(string yaml)
    {
        var config = Load(yaml);

        Assert.Equal("127.0.0.1", config.Server.Host);
        Assert.Equal(8317, config.Server.Port);
        Assert.Empty(config.Server.ApiKeys);
        Assert.Equal("", config.Server.ManagementKey);
        Assert.Equal(20 * 1024 * 1024, config.Server.MaxBodyBytes);
        Assert.Equal(Path.Combine(Home, ".router"), config.Auth.Dir);
        Assert.Equal("sqlite", config.Auth.Store);
        Assert.Equal("", config.Auth.ConnectionString);
        Assert.True(config.WebSocket.Enabled);
        Assert.Equal("/v1/ws", config.WebSocket.Path);
        Assert.Equal(30, config.WebSocket.PingInterval);
        Assert.Equal("info", config.Logging.Level);
        Assert.Equal(Path.Combine(BaseDir, "logs"), config.Logging.Dir);
        Assert.False(config.Logging.RequestLog);
        Assert.False(config.Cluster.Enabled);
        Assert.Equal("127.0.0.1", config.Cluster.Hostname);
        Assert.Equal(4053, config.Cluster.Port);
        Assert.Empty(config.Cluster.SeedNodes);
        Assert.Empty(config.Server.WorkerKeys);
        Assert.Empty(config.Server.AllowedHosts);
        Assert.Empty(config.Server.CorsOrigins);
        Assert.Equal("echo", Assert.Single(config.Providers).Type);
        Assert.Empty(config.Models.Routing);
        Assert.Empty(config.Models.Aliases);
    }

    [Fact]
    public void Provider_defaults_fill_in_and_openai_gets_its_default_base_url()
    {
        var config = Load("providers:\n  o:\n    type: openai\n  r:\n    type: openai-responses\n  e:\n    type: echo\n");

        var o = config.Providers[0];
        Assert.Equal("https://api.openai.com/v1", o.BaseUrl);
        Assert.True(o.Enabled);
        Assert.Empty(o.ApiKeys);
        Assert.Empty(o.Headers);
        Assert.Empty(o.Models);
        Assert.Equal(120, o.Timeout);
        Assert.Equal(0, o.MaxInFlight);
        Assert.Equal(30, o.Cooldown);
        Assert.Equal(2, o.Line);
        Assert.Equal("https://api.openai.com/v1", config.Providers[1].BaseUrl);
        Assert.Equal("", config.Providers[2].BaseUrl);
    }

    [Fact]
    public void Booleans_and_numbers_may_be_quoted_or_capitalized()
    {
        var config = Load("websocket:\n  enabled: False\n  ping_interval: \"45\"\nlogging:\n  level: WARN\n  request_log: TRUE\n" + Echo);

        Assert.False(config.WebSocket.Enabled);
        Assert.Equal(45, config.WebSocket.PingInterval);
        Assert.Equal("warn", config.Logging.Level);
        Assert.True(config.Logging.RequestLog);
    }

    // ---- expansion -----------------------------------------------------------------------------

    [Fact]
    public void Environment_variables_expand_in_every_scalar_value()
    {
        var prefix = "ROUTER_CFG_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(prefix + "_KEY", "sk-from-env");
        Environment.SetEnvironmentVariable(prefix + "_PORT", "9123");
        Environment.SetEnvironmentVariable(prefix + "_HOST", "upstream.test");
        try
        {
            var config = Load($$"""
                server:
                  port: ${{{prefix}}_PORT}
                  management_key: "m-${{{prefix}}_KEY}-m"
                providers:
                  p:
                    type: ctonew
                    base_url: https://${{{prefix}}_HOST}/v1
                    api_keys: ["${{{prefix}}_KEY}", "${{{prefix}}_MISSING}"]
                    headers: { X-Token: "${{{prefix}}_KEY}" }
                    clerk: { token_url: "https://${{{prefix}}_HOST}/t", cookie: "${{{prefix}}_KEY}" }
                    models: ["$${NOT_EXPANDED}", "$HOME", "a$$b"]
                models:
                  aliases: { smart: "${{{prefix}}_HOST}" }
                """);

            Assert.Equal(9123, config.Server.Port);
            Assert.Equal("m-sk-from-env-m", config.Server.ManagementKey);
            var p = config.Providers[0];
            Assert.Equal("https://upstream.test/v1", p.BaseUrl);
            Assert.Equal(["sk-from-env", ""], p.ApiKeys); // a missing variable is an empty string
            Assert.Equal(["sk-from-env"], p.UsableKeys);
            Assert.Equal("sk-from-env", p.Headers["X-Token"]);
            Assert.Equal("sk-from-env", p.Clerk!.Cookie);
            Assert.Equal("https://upstream.test/t", p.Clerk.TokenUrl);
            Assert.Equal(["${NOT_EXPANDED}", "$HOME", "a$$b"], p.Models);
            Assert.Equal("upstream.test", config.Models.Aliases["smart"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "_KEY", null);
            Environment.SetEnvironmentVariable(prefix + "_PORT", null);
            Environment.SetEnvironmentVariable(prefix + "_HOST", null);
        }
    }

    [Fact]
    public void Expander_handles_escapes_and_rejects_malformed_references()
    {
        string? Lookup(string name) => name == "A" ? "x" : null;

        Assert.Equal("x-x", EnvExpander.Expand("${A}-${A}", Lookup));
        Assert.Equal("", EnvExpander.Expand("${B}", Lookup));
        Assert.Equal("${A}", EnvExpander.Expand("$${A}", Lookup));
        Assert.Equal("cost $5", EnvExpander.Expand("cost $5", Lookup));
        Assert.Throws<FormatException>(() => EnvExpander.Expand("${A", Lookup));
        Assert.Throws<FormatException>(() => EnvExpander.Expand("${}", Lookup));
        Assert.Throws<FormatException>(() => EnvExpander.Expand("${A B}", Lookup));
    }

    [Fact]
    public void Tilde_expands_to_home_and_relative_dirs_resolve_against_the_config_folder()
    {
        var config = Load("auth:\n  dir: ~\nlogging:\n  dir: ~/router-logs\n" + Echo);
        Assert.Equal(Path.TrimEndingDirectorySeparator(Path.GetFullPath(Home)), config.Auth.Dir);
        Assert.Equal(Path.Combine(Home, "router-logs"), config.Logging.Dir);

        config = Load("auth:\n  dir: ~/.router/\nlogging:\n  dir: ./a/../logs\n" + Echo);
        Assert.Equal(Path.Combine(Home, ".router"), config.Auth.Dir);
        Assert.Equal(Path.Combine(BaseDir, "logs"), config.Logging.Dir);

        config = Load("auth:\n  dir: data\n" + Echo);
        Assert.Equal(Path.Combine(BaseDir, "data"), config.Auth.Dir);
        Assert.True(Path.IsPathRooted(config.Auth.Dir));
    }

    [Fact]
    public void LoadFile_resolves_against_the_file_folder_and_names_the_file_in_messages()
    {
        var dir = Directory.CreateTempSubdirectory("router-cfg-").FullName;
        try
        {
            var path = Path.Combine(dir, "config.unified.yaml");
            File.WriteAllText(path, "auth:\n  dir: state\nlogging:\n  dir: ./logs\n" + Echo);
            var config = ConfigLoader.LoadFile(path);
            Assert.Equal(path, config.SourcePath);
            Assert.Equal(Path.Combine(dir, "state"), config.Auth.Dir);
            Assert.Equal(Path.Combine(dir, "logs"), config.Logging.Dir);

            File.WriteAllText(path, "server:\n  port: eighty\n");
            var message = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile(path)).Message;
            Assert.StartsWith($"{path}:2: server.port: ", message);

            var missing = Path.Combine(dir, "absent.yaml");
            message = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile(missing)).Message;
            Assert.StartsWith($"{missing}:", message);
            Assert.DoesNotContain('\n', message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_repository_default_config_loads_with_echo_enabled()
    {
        var config = ConfigLoader.LoadFile(Path.Combine(Integration.StateAndSurfaceTests.RepoRoot(), "config.unified.yaml"));
        Assert.Equal("echo", Assert.Single(config.Providers).Type);
        Assert.Equal("^echo-", Assert.Single(config.Models.Routing).Pattern);
    }

    // ---- YAML errors -----------------------------------------------------------------------------

    [Fact]
    public void A_yaml_syntax_error_names_the_line_and_key()
    {
        Fails("server:\n  port: 1\n  host: a: b\n", 3, "server.host", "invalid YAML");
        Fails("server:\n  port: 1\nauth:\n  dir: 'unterminated\n", 4, "auth.dir", "invalid YAML");
        var message = Assert.Throws<ConfigException>(() => Load("server:\n  api_keys: [sk-secret-1, sk-secret-2\n  port: 1\n")).Message;
        Assert.Matches(@"^test\.yaml:[23]: server\.api_keys.*: invalid YAML", message);
        Assert.DoesNotContain("sk-secret", message);
    }

    [Fact]
    public void Duplicate_keys_are_an_error()
    {
        Fails("server:\n  port: 1\n  port: 2\n", 3, "server.port", "duplicate key 'port'");
        Fails("providers:\n  a:\n    type: echo\n  a:\n    type: echo\n", 4, "providers.a", "duplicate key 'a'");
        Fails("server: {}\nserver: {}\n", 2, "server", "duplicate key 'server'");
        Fails("providers:\n  a:\n    type: echo\n    headers:\n      X-A: 1\n      X-B: 2\n      X-A: 3\n", 7, "providers.a.headers.X-A", "duplicate key");
    }

    [Fact]
    public void Anchors_and_aliases_are_resolved_and_an_unknown_alias_is_an_error()
    {
        var config = Load("providers:\n  a:\n    type: openai\n    headers: &h { X-A: \"1\" }\n  b:\n    type: openai\n    headers: *h\n");
        Assert.Equal("1", config.Providers[1].Headers["X-A"]);

        Fails("providers:\n  a:\n    type: openai\n    headers: *nowhere\n", 4, "providers.a.headers", "alias '*nowhere'");
    }

    [Fact]
    public void Only_one_document_is_allowed()
    {
        Fails("server: {}\n---\nauth: {}\n", 3, "(document)", "only one YAML document");
    }

    [Fact]
    public void The_root_must_be_a_mapping()
    {
        Fails("- a\n- b\n", 1, "(root)", "expected a mapping, got a list");
    }

    // ---- unknown keys ------------------------------------------------------------------------------

    [Theory]
    [InlineData("sever:\n  port: 1\n", 1, "sever", "unknown key 'sever' (allowed: server, auth, websocket, logging, cluster, providers, models, metrics, telemetry)")]
    [InlineData("server:\n  prot: 1\n", 2, "server.prot", "unknown key 'prot' (allowed: host, port, api_keys, management_key, max_body_bytes, shutdown_timeout, max_connections, worker_keys, allowed_hosts, cors_origins, watch_config, cpu_scheduling)")]
    [InlineData("auth:\n  store: sqlite\n  path: x\n", 3, "auth.path", "(allowed: dir, store, connection_string)")]
    [InlineData("websocket:\n  interval: 3\n", 2, "websocket.interval", "(allowed: enabled, path, ping_interval)")]
    [InlineData("logging:\n  file: x\n", 2, "logging.file", "(allowed: level, dir, request_log)")]
    [InlineData("cluster:\n  seeds: []\n", 2, "cluster.seeds", "(allowed: enabled, hostname, port, seed_nodes, secret, public_hostname)")]
    [InlineData("providers:\n  p:\n    type: echo\n    api_key: sk-1\n", 4, "providers.p.api_key", "unknown key 'api_key' for type 'echo' (allowed: type, enabled, base_url, api_keys, headers, models, timeout, max_in_flight, cooldown, accepts_images, probe_after, service, health_check, http_version)")]
    [InlineData("models:\n  route: []\n", 2, "models.route", "(allowed: routing, aliases)")]
    [InlineData("providers:\n  p:\n    type: echo\nmodels:\n  routing:\n    - pattern: x\n      providers: [p]\n      weight: 2\n", 8, "models.routing[0].weight", "unknown key 'weight' (allowed: pattern, providers)")]
    public void Unknown_keys_are_named_with_the_allowed_ones(string yaml, int line, string path, string fragment)
    {
        Fails(yaml, line, path, fragment);
    }

    // ---- providers ---------------------------------------------------------------------------------

    [Fact]
    public void An_unknown_provider_type_lists_the_known_ones()
    {
        var message = Fails("providers:\n  openai-main:\n    type: opnai\n", 3, "providers.openai-main.type");
        Assert.Equal(
            "test.yaml:3: providers.openai-main.type: unknown provider type 'opnai' (expected one of: openai, openai-responses, anthropic, gemini, claude-oauth, chatgpt-oauth, ctonew, aistudio, http-proxy, echo)",
            message);
    }

    [Theory]
    [InlineData("providers:\n  p:\n    models: [a]\n", 2)]
    [InlineData("providers:\n  p:\n", 2)]
    [InlineData("providers:\n  x:\n    type: echo\n  p: {}\n", 4)]
    public void A_missing_type_is_an_error(string yaml, int line)
    {
        Fails(yaml, line, "providers.p.type", "missing required key 'type'");
    }

    [Fact]
    public void An_empty_type_is_an_error()
    {
        Fails("providers:\n  p:\n    type:\n", 3, "providers.p.type", "missing a value");
    }

    [Fact]
    public void Providers_must_be_a_mapping_of_blocks()
    {
        Fails("providers:\n  - type: echo\n", 2, "providers", "expected a mapping of provider names to provider blocks, got a list");
        Fails("providers:\n  p: echo\n", 2, "providers.p", "expected a mapping, got a scalar");
    }

    [Theory]
    [InlineData("http-proxy")]
    [InlineData("claude-oauth")]
    [InlineData("chatgpt-oauth")]
    [InlineData("ctonew")]
    public void Base_url_is_required_for_types_without_a_default(string type)
    {
        Fails($"providers:\n  p:\n    type: {type}\n    models: [m]\n", 2, "providers.p.base_url", "missing required key 'base_url'");
    }

    [Theory]
    [InlineData("ftp://files.test/secret-path-token")]
    [InlineData("not-a-url-secret-path-token")]
    [InlineData("/v1/secret-path-token")]
    [InlineData("https:///secret-path-token")]
    public void Base_url_must_be_an_absolute_http_url(string url)
    {
        Fails($"providers:\n  p:\n    type: openai\n    base_url: \"{url}\"\n", 4, "providers.p.base_url", "absolute http", "secret-path-token");
    }

    [Fact]
    public void Target_and_login_urls_must_be_absolute_http_urls()
    {
        Fails("providers:\n  a:\n    type: aistudio\n    target_url: nowhere\n", 4, "providers.a.target_url", "absolute http");
        Fails("providers:\n  a:\n    type: aistudio\n    login_url: nowhere\n", 4, "providers.a.login_url", "absolute http");
    }

    [Theory]
    [InlineData("timeout: 0", "providers.p.timeout", "positive")]
    [InlineData("timeout: -5", "providers.p.timeout", "positive")]
    [InlineData("timeout: 1.5", "providers.p.timeout", "got '1.5'")]
    [InlineData("timeout: soon", "providers.p.timeout", "got 'soon'")]
    [InlineData("max_in_flight: -1", "providers.p.max_in_flight", "out of range")]
    [InlineData("cooldown: -1", "providers.p.cooldown", "out of range")]
    [InlineData("enabled: maybe", "providers.p.enabled", "expected a boolean (true or false), got 'maybe'")]
    [InlineData("enabled: [true]", "providers.p.enabled", "expected a boolean (true or false), got a list")]
    [InlineData("models: gpt-4", "providers.p.models", "expected a list of strings, got a scalar")]
    [InlineData("headers: [a]", "providers.p.headers", "expected a mapping of header names to values, got a list")]
    public void Wrong_provider_values_are_named(string line4, string path, string fragment)
    {
        Fails($"providers:\n  p:\n    type: openai\n    {line4}\n", 4, path, fragment);
    }

    [Theory]
    [InlineData("chatgpt-oauth", "oauth: [a]", "providers.p.oauth", "expected a mapping, got a list")]
    [InlineData("chatgpt-oauth", "account_header: \"bad header\"", "providers.p.account_header", "HTTP header name")]
    [InlineData("aistudio", "browser: [a]", "providers.p.browser", "expected a mapping, got a list")]
    public void Wrong_values_of_a_type_s_own_keys_are_named(string type, string line4, string path, string fragment)
    {
        Fails($"providers:\n  p:\n    type: {type}\n    {line4}\n", 4, path, fragment);
    }

    [Theory]
    [InlineData("api_keys: sk-secret-value", 4, "providers.p.api_keys", "expected a list of strings, got a scalar")]
    [InlineData("api_keys: [sk-secret-value, [nested-secret]]", 4, "providers.p.api_keys[1]", "expected a string, got a list")]
    [InlineData("api_keys:\n      - sk-secret-value\n      - {k: sk-secret-value}", 6, "providers.p.api_keys[1]", "expected a string, got a mapping")]
    [InlineData("headers:\n      Cookie: [session=secret-value]", 5, "providers.p.headers.Cookie", "expected a string, got a list")]
    public void Wrong_secret_values_are_named_but_never_shown(string block, int line, string path, string fragment)
    {
        Fails($"providers:\n  p:\n    type: openai\n    {block}\n", line, path, fragment, "secret");
    }

    [Fact]
    public void A_wrong_clerk_block_is_named_but_never_shown()
    {
        Fails("providers:\n  p:\n    type: ctonew\n    clerk: cookie-secret-value\n", 4, "providers.p.clerk", "expected a mapping, got a scalar", "secret");
    }

    [Fact]
    public void A_malformed_env_reference_is_an_error_without_the_value()
    {
        Fails("server:\n  management_key: \"secret-${UNTERMINATED\"\n", 2, "server.management_key", "unterminated", "secret");
    }

    // ---- server / auth / logging / websocket / cluster ----------------------------------------------

    [Theory]
    [InlineData("server:\n  port: abc\n", 2, "server.port", "expected a port number in 0..65535, got 'abc'")]
    [InlineData("server:\n  port: 70000\n", 2, "server.port", "out of range")]
    [InlineData("server:\n  port: -1\n", 2, "server.port", "out of range")]
    [InlineData("server:\n  port: [8317]\n", 2, "server.port", "got a list")]
    [InlineData("cluster:\n  port: 65536\n", 2, "cluster.port", "out of range")]
    [InlineData("cluster:\n  enabled: yes\n", 2, "cluster.enabled", "expected a boolean")]
    [InlineData("cluster:\n  enabled: true\n", 2, "cluster", "cluster.secret is required")]
    [InlineData("cluster:\n  secret: too-short\n", 2, "cluster.secret", "at least 16 characters")]
    [InlineData("cluster:\n  seed_nodes: [\"router@host\"]\n", 2, "cluster.seed_nodes[0]", "akka.tcp://")]
    [InlineData("server:\n  max_body_bytes: 0\n", 2, "server.max_body_bytes", "out of range")]
    [InlineData("websocket:\n  path: relay\n", 2, "websocket.path", "must start with '/'")]
    [InlineData("websocket:\n  ping_interval: 0\n", 2, "websocket.ping_interval", "positive")]
    [InlineData("logging:\n  level: verbose\n", 2, "logging.level", "unknown value 'verbose' (expected one of: debug, info, warn, error)")]
    [InlineData("logging:\n  request_log: 1\n", 2, "logging.request_log", "expected a boolean")]
    [InlineData("logging:\n  dir: \"\"\n", 2, "logging.dir", "must not be empty")]
    [InlineData("auth:\n  store: mysql\n", 2, "auth.store", "unknown value 'mysql' (expected one of: sqlite, postgres)")]
    [InlineData("server:\n  port: 1\n  cpu_scheduling: realtime\n", 3, "server.cpu_scheduling", "unknown value 'realtime' (expected one of: batch, normal)")]
    [InlineData("server:\n  host: \"\"\n", 2, "server.host", "must not be empty")]
    [InlineData("server: [a]\n", 1, "server", "expected a mapping, got a list")]
    public void Wrong_section_values_are_named(string yaml, int line, string path, string fragment)
    {
        Fails(yaml, line, path, fragment);
    }

    [Theory]
    [InlineData("", "batch")]
    [InlineData("  cpu_scheduling: normal\n", "normal")]
    [InlineData("  cpu_scheduling: Batch\n", "batch")]
    public void The_cpu_scheduling_is_batch_unless_the_file_says_normal(string line, string expected)
    {
        Assert.Equal(expected, Load("server:\n  port: 1\n" + line + Echo).Server.CpuScheduling);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.168.1.10")]
    [InlineData("example.test")]
    [InlineData("\"::\"")]
    public void A_non_loopback_host_requires_api_keys(string host)
    {
        Fails($"server:\n  port: 1\n  host: {host}\n", 3, "server.host", "server.api_keys");
        Fails($"server:\n  host: {host}\n  api_keys: []\n", 2, "server.host", "server.api_keys");
        Fails($"server:\n  host: {host}\n  api_keys: [\"${{ROUTER_CFG_TEST_SURELY_UNSET_{Guid.NewGuid():N}}}\"]\n", 2, "server.host", "server.api_keys");
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("localhost")]
    [InlineData("\"::1\"")]
    [InlineData("\"[::1]\"")]
    public void A_loopback_host_may_run_open(string host)
    {
        Assert.Empty(Load($"server:\n  host: {host}\n" + Echo).Server.ApiKeys);
    }

    [Fact]
    public void A_non_loopback_host_with_api_keys_is_fine()
    {
        var config = Load("server:\n  host: 0.0.0.0\n  api_keys: [sk-1]\n" + Echo);
        Assert.Equal("0.0.0.0", config.Server.Host);
    }

    [Fact]
    public void Postgres_requires_a_connection_string_which_is_never_shown()
    {
        Fails("auth:\n  store: postgres\n", 2, "auth.connection_string", "postgres");
        Fails("auth:\n  store: postgres\n  connection_string: \"\"\n", 2, "auth.connection_string", "postgres");
        Fails("auth:\n  store: postgres\n  connection_string: [Password=secret]\n", 3, "auth.connection_string", "expected a string", "secret");
        Fails("server:\n  management_key: {a: secret}\n", 2, "server.management_key", "expected a string, got a mapping", "secret");
    }

    // ---- routing ---------------------------------------------------------------------------------

    private const string TwoProviders = "providers:\n  a:\n    type: echo\n  b:\n    type: echo\n";

    [Fact]
    public void A_routing_entry_naming_an_undefined_provider_is_an_error()
    {
        Fails(TwoProviders + "models:\n  routing:\n    - pattern: \"^x\"\n      providers: [a, c]\n", 9, "models.routing[0].providers[1]",
            "undefined provider 'c' (defined: a, b)");
        Fails("models:\n  routing:\n    - pattern: \"^x\"\n      providers:\n        - nowhere\n", 5, "models.routing[0].providers[0]",
            "undefined provider 'nowhere' (no providers are defined)");
    }

    [Fact]
    public void An_invalid_regex_is_an_error()
    {
        Fails(TwoProviders + "models:\n  routing:\n    - pattern: \"^a\"\n      providers: [a]\n    - pattern: \"^(gpt-\"\n      providers: [b]\n",
            10, "models.routing[1].pattern", "invalid regular expression '^(gpt-'");
    }

    [Theory]
    [InlineData("    - providers: [a]\n", 8, "models.routing[0].pattern", "missing required key 'pattern'")]
    [InlineData("    - pattern: \"\"\n      providers: [a]\n", 8, "models.routing[0].pattern", "non-empty")]
    [InlineData("    - pattern: \"^a\"\n      providers: []\n", 9, "models.routing[0].providers", "non-empty list")]
    [InlineData("    - pattern: \"^a\"\n      providers:\n", 9, "models.routing[0].providers", "non-empty list")]
    [InlineData("    - pattern: \"^a\"\n", 8, "models.routing[0].providers", "missing required key 'providers'")]
    [InlineData("    - pattern: \"^a\"\n      providers: a\n", 9, "models.routing[0].providers", "expected a list of strings")]
    [InlineData("    - \"^a\"\n", 8, "models.routing[0]", "expected a mapping")]
    public void Incomplete_routing_entries_are_errors(string entries, int line, string path, string fragment)
    {
        Fails(TwoProviders + "models:\n  routing:\n" + entries, line, path, fragment);
    }

    [Fact]
    public void Routing_must_be_a_list_and_aliases_a_mapping_of_names()
    {
        Fails("models:\n  routing: {pattern: x}\n", 2, "models.routing", "expected a list");
        Fails("models:\n  aliases: [a]\n", 2, "models.aliases", "got a list");
        Fails("models:\n  aliases:\n    smart: \"\"\n", 3, "models.aliases.smart", "non-empty model name");
    }

    [Fact]
    public void A_routing_entry_may_name_a_disabled_provider()
    {
        var config = Load("providers:\n  a:\n    type: echo\n    enabled: false\nmodels:\n  routing:\n    - pattern: \".*\"\n      providers: [a]\n");
        Assert.Equal(["a"], config.Models.Routing[0].Providers);
        Assert.Equal(7, config.Models.Routing[0].Line);
    }
}
