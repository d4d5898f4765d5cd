using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Router.Actors.Configuration;
using Router.Http;

namespace Router.Tests.Fakes;

/// <summary>The real router, in process, on a loopback port the OS picks, with its logs captured.</summary>
public sealed class RouterUnderTest : IAsyncDisposable
{
    private readonly WebApplication _app;

    public string BaseUrl { get; }
    public HttpClient Http { get; }
    public RouterConfig Config { get; }
    public CapturedLog Log { get; }
    /// <summary>The router's services (its actor system, for tests that reach into it).</summary>
    public IServiceProvider Services => _app.Services;

    private RouterUnderTest(WebApplication app, RouterConfig config, CapturedLog log)
    {
        _app = app;
        Config = config;
        Log = log;
        BaseUrl = RouterHost.BoundAddress(app).ToString().TrimEnd('/');
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public static async Task<RouterUnderTest> StartAsync(RouterConfig config, CapturedLog? log = null)
    {
        log ??= new CapturedLog();
        var app = RouterHost.Build(config, logging => logging.AddProvider(log));
        await app.StartAsync();
        var router = new RouterUnderTest(app, config, log);
        await router.WaitHealthyAsync();
        return router;
    }

    /// <summary>Every actor this router's system runs now, by path without the address ("/user/routing", ...).</summary>
    public IReadOnlyList<string> ActorPaths()
    {
        static IEnumerable<Akka.Actor.IActorRef> Descendants(Akka.Actor.IActorRef actor) =>
            actor is Akka.Actor.ActorRefWithCell cell ? cell.Children.SelectMany(c => Descendants(c).Prepend(c)) : [];
        var system = (Akka.Actor.ExtendedActorSystem)Services.GetService(typeof(Akka.Actor.ActorSystem))!;
        return Descendants(system.Provider.RootGuardian).Select(a => a.Path.ToStringWithoutAddress()).ToList();
    }

    public async Task<JsonObject> HealthAsync() => (await Http.GetFromJsonAsync<JsonObject>("/v1/health"))!;

    public async Task<string> ProviderHealthAsync(string provider) => (await HealthAsync())["providers"]![provider]!.GetValue<string>();

    /// <summary>Polls until the condition holds (state changes travel as messages, so they land a moment later).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int timeoutMs = 5000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new Xunit.Sdk.XunitException("Timed out waiting for: " + what);
            await Task.Delay(25);
        }
    }

    private async Task WaitHealthyAsync()
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                if ((await Http.GetAsync("/v1/health")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > until) throw new TimeoutException("router did not become healthy");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>Every log line the router writes, to search for secrets.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public string All => string.Join("\n", Lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>Configs for tests: port 0, a fresh auth dir, providers pointing at fakes.</summary>
public static class TestConfig
{
    public static string NewAuthDir() => Directory.CreateTempSubdirectory("router-test-").FullName;

    /// <summary>
    /// A loopback port free right now, for a router whose address must be known before it starts. It is taken below
    /// the kernel's ephemeral range when there is room: a port in that range can be handed to any outgoing connection
    /// between this check and the router's bind (the suite makes thousands), one below it only to another call of
    /// this method, which never hands out the same port twice.
    /// </summary>
    public static int FreePort()
    {
        var below = EphemeralLow - 1;
        for (var attempt = 0; attempt < 200 && below - PortsBelowEphemeral >= 1024; attempt++)
        {
            var port = Random.Shared.Next(below - PortsBelowEphemeral, below + 1);
            if (HandedOut.TryAdd(port, 0) && IsFree(port)) return port;
        }
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private const int PortsBelowEphemeral = 10_000;
    private static readonly ConcurrentDictionary<int, byte> HandedOut = new();
    private static readonly int EphemeralLow = ReadEphemeralLow();

    /// <summary>The first port of the kernel's ephemeral range (/proc/sys/net/ipv4/ip_local_port_range), 32768 if unknown.</summary>
    private static int ReadEphemeralLow()
    {
        try
        {
            return int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public static RouterConfig Build(IEnumerable<ProviderConfig> providers, IEnumerable<RouteConfig> routes, string? authDir = null,
        IReadOnlyList<string>? clientKeys = null, long maxBodyBytes = 20 * 1024 * 1024, IReadOnlyDictionary<string, string>? aliases = null)
    {
        var dir = authDir ?? NewAuthDir();
        return new()
        {
        Server = new ServerConfig { Host = "127.0.0.1", Port = 0, ApiKeys = clientKeys ?? [], MaxBodyBytes = maxBodyBytes },
        Auth = new AuthConfig { Dir = dir, Store = "sqlite" },
        Logging = new LoggingConfig { Level = "debug", Dir = Path.Combine(dir, "logs") },
        Providers = providers.ToList(),
        Models = new ModelsConfig { Routing = routes.ToList(), Aliases = aliases ?? new Dictionary<string, string>() },
        };
    }

    public static ProviderConfig OpenAiProvider(string name, FakeUpstream fake, params string[] keys) => new()
    {
        Name = name, Type = "openai", BaseUrl = fake.BaseUrl + "/v1", ApiKeys = keys, Timeout = 10,
    };

    public static ProviderConfig AnthropicProvider(string name, FakeUpstream fake, params string[] keys) => new()
    {
        Name = name, Type = "anthropic", BaseUrl = fake.BaseUrl, ApiKeys = keys, Timeout = 10,
    };

    public static RouteConfig Route(string pattern, params string[] providers) => new(pattern, providers, 0);
}
