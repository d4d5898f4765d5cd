namespace Router.AiStudioWorker;

/// <summary>
/// What the worker needs, from command-line flags (`--relay-url ws://...`) or, when a flag is absent,
/// from the environment the router sets for its side service (names in <see cref="Env"/>).
/// </summary>
public sealed record WorkerOptions
{
    /// <summary>Environment variable names; the router's `worker` block passes these.</summary>
    public static class Env
    {
        public const string RelayUrl = "ROUTER_RELAY_URL";
        public const string WorkerKey = "ROUTER_WORKER_KEY";
        public const string WorkerName = "ROUTER_WORKER_NAME";
        public const string Provider = "ROUTER_PROVIDER";
        public const string AuthDir = "ROUTER_AUTH_DIR";
        /// <summary>The provider block's login_url: the AI Studio page the worker keeps open.</summary>
        public const string PageUrl = "ROUTER_LOGIN_URL";
        public const string SignedInCookie = "AISTUDIO_SIGNED_IN_COOKIE";
        public const string SignedInSelector = "AISTUDIO_SIGNED_IN_SELECTOR";
        public const string Chromium = "AISTUDIO_CHROMIUM";
        public const string Headless = "AISTUDIO_HEADLESS";
    }

    public const string DefaultPageUrl = "https://aistudio.google.com/";
    /// <summary>Google sets SAPISID on .google.com once an account is signed in.</summary>
    public const string DefaultSignedInCookie = "SAPISID";
    public const string DefaultChromium = "/usr/bin/chromium";

    public required Uri RelayUrl { get; init; }
    /// <summary>Empty when the router has no worker_keys (then only loopback workers may connect).</summary>
    public string WorkerKey { get; init; } = "";
    /// <summary>Which aistudio provider of the router this worker serves (null: the router's first).</summary>
    public string? Provider { get; init; }
    public required string Name { get; init; }
    public required string AuthDir { get; init; }
    public string PageUrl { get; init; } = DefaultPageUrl;
    public string SignedInCookie { get; init; } = DefaultSignedInCookie;
    public string? SignedInSelector { get; init; }
    public string ChromiumPath { get; init; } = DefaultChromium;
    /// <summary>False only for debugging: the browser normally runs headless except while the person signs in.</summary>
    public bool Headless { get; init; } = true;
    /// <summary>How long a manual sign-in window waits for the person.</summary>
    public TimeSpan SignInTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>{auth dir}/aistudio/{name}: the persistent Chromium profile of this account.</summary>
    public string ProfileDir => Path.Combine(AuthDir, "aistudio", Name);

    /// <summary>Reads flags, then the environment; throws <see cref="ArgumentException"/> naming what is missing.</summary>
    public static WorkerOptions Parse(string[] args, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"unexpected argument '{args[i]}' (flags take a value: --name VALUE)");
            flags[args[i][2..]] = args[++i];
        }
        string? Get(string flag, string env) => flags.TryGetValue(flag, out var v) ? v : NullIfEmpty(environment(env));
        var relay = Get("relay-url", Env.RelayUrl)
            ?? throw new ArgumentException($"missing --relay-url (or {Env.RelayUrl} in the environment)");
        if (!Uri.TryCreate(relay, UriKind.Absolute, out var relayUrl) || relayUrl.Scheme is not ("ws" or "wss"))
            throw new ArgumentException($"--relay-url must be a ws:// or wss:// URL, got '{relay}'");
        var name = Get("name", Env.WorkerName) ?? "aistudio-" + Guid.NewGuid().ToString("N")[..8];
        if (name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
            throw new ArgumentException($"--name must not contain path separators, got '{name}'");

        return new WorkerOptions
        {
            RelayUrl = relayUrl,
            WorkerKey = Get("key", Env.WorkerKey) ?? "",
            Provider = Get("provider", Env.Provider),
            Name = name,
            AuthDir = Path.GetFullPath(ExpandHome(Get("auth-dir", Env.AuthDir) ?? "~/.router/auth")),
            PageUrl = Get("page-url", Env.PageUrl) ?? DefaultPageUrl,
            SignedInCookie = Get("signed-in-cookie", Env.SignedInCookie) ?? DefaultSignedInCookie,
            SignedInSelector = Get("signed-in-selector", Env.SignedInSelector),
            ChromiumPath = Get("chromium", Env.Chromium) ?? DefaultChromium,
            Headless = (Get("headless", Env.Headless) ?? "true") is not ("false" or "0"),
            SignInTimeout = Get("sign-in-timeout", "AISTUDIO_SIGN_IN_TIMEOUT") is { } seconds
                ? TimeSpan.FromSeconds(int.Parse(seconds)) : TimeSpan.FromMinutes(10),
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;
}
