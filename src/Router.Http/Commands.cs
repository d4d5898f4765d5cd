using Router.Actors.Configuration;
using Router.Http.Operations;

namespace Router.Http;

/// <summary>What each verb of the command line does; every verb reads the config first.</summary>
public static class Commands
{
    /// <summary>
    /// The router in the foreground (or, with --background, the process `start` launches). It holds
    /// {auth.dir}/router.lock while it lives; a start-up failure is one line on stderr and exit code 1.
    /// </summary>
    public static async Task<int> ServeAsync(string configPath, bool background, CancellationToken cancellationToken)
    {
        if (Load(configPath) is not { } config) return ConfigException.ExitCode;
        // Before the first file is made (lock, pid file): everything the router writes is 0600.
        Router.Persistence.OwnerOnlyFiles.RestrictProcessUmask();
        RouterLock? claim;
        try
        {
            claim = RouterLock.TryAcquire(config);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(StartupFailure.AuthDirUnusable(e, config));
        }
        if (claim is null)
            return Fail($"Router is already running (pid {PidFile.Running(config)}) for this auth.dir ({config.Auth.Dir}); stop it first (router stop).");

        using (claim)
        {
            WebApplication app;
            try
            {
                app = RouterHost.Build(config, QuietHostFailuresOnConsole, console: !background);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Fail(StartupFailure.Describe(e, config));
            }
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var reason = StartupFailure.Describe(e, config);
                if (background) app.Logger.LogError("{Reason}", reason); // `router logs` shows why; the console has the line below
                await StopQuietlyAsync(app);
                return Fail(reason);
            }
            using var scheduling = CpuScheduling.Start(config.Server.CpuScheduling, app.Logger);
            using var trim = IdleHeapTrim.Start();
            app.Logger.LogInformation("Router listening on {Address} (pid {Pid})", RouterHost.BoundAddress(app), Environment.ProcessId);
            await app.WaitForShutdownAsync(CancellationToken.None);
        }
        return Router.Actors.Hosting.Cluster.ClusterExit.Code ?? 0;
    }

    /// <summary>The host logs a failed start with its whole stack trace; the console gets our one line instead (the log file keeps both).</summary>
    private static void QuietHostFailuresOnConsole(ILoggingBuilder logging) =>
        logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

    private static int Fail(string reason)
    {
        Console.Error.WriteLine(reason);
        return StartupFailure.ExitCode;
    }

    /// <summary>What did start (the actor system, side services) is stopped before the process exits.</summary>
    private static async Task StopQuietlyAsync(WebApplication app)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await app.StopAsync(deadline.Token);
            await app.DisposeAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            app.Logger.LogWarning("Stopping after a failed start: {Type}: {Message}", e.GetType().Name, e.Message);
        }
    }

    public static int Validate(string configPath)
    {
        if (Load(configPath) is not { } config) return ConfigException.ExitCode;
        Console.WriteLine($"{configPath}: valid ({config.Providers.Count} providers, {config.Models.Routing.Count} routes)");
        return 0;
    }

    public static Task<int> LoginAsync(string configPath, string kind, string? provider, CancellationToken cancellationToken) =>
        With(configPath, config => LoginCommand.RunAsync(config, kind, provider, cancellationToken));

    public static Task<int> StartAsync(string configPath) => With(configPath, config => Daemon.StartAsync(config, configPath, Console.Out));

    public static Task<int> StopAsync(string configPath) => With(configPath, config => Daemon.StopAsync(config, Console.Out));

    /// <summary>Without a name: stop and start the router. With one: restart that provider's side service.</summary>
    public static Task<int> RestartAsync(string configPath, string? name) => With(configPath, async config =>
    {
        if (name is null)
        {
            await Daemon.StopAsync(config, Console.Out);
            return await Daemon.StartAsync(config, configPath, Console.Out);
        }
        using var http = RouterClient.Create(config, TimeSpan.FromSeconds(30));
        try
        {
            var response = await http.PostAsync($"/v0/management/services/{Uri.EscapeDataString(name)}/restart", null);
            Console.WriteLine(response.IsSuccessStatusCode ? $"Restarted {name}: {await response.Content.ReadAsStringAsync()}" : await response.Content.ReadAsStringAsync());
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (HttpRequestException)
        {
            Console.Error.WriteLine($"The router is not running at {http.BaseAddress}.");
            return 1;
        }
    });

    public static Task<int> ReloadAsync(string configPath) => With(configPath, config => Reload.ReloadCommand.RunAsync(config, Console.Out));

    public static Task<int> StatusAsync(string configPath, bool json) => With(configPath, config => StatusCommand.RunAsync(config, json, Console.Out));

    public static Task<int> LogsAsync(string configPath, string? name, bool follow, int lines, CancellationToken cancellationToken) =>
        With(configPath, config => LogsCommand.RunAsync(config, name, follow, lines, Console.Out, cancellationToken));

    public static Task<int> InstallAsync(string configPath) => With(configPath, config => InstallCommand.RunAsync(config, Console.Out));

    /// <summary>A `diag` verb against --url (key from ROUTER_MANAGEMENT_KEY) or the node the config describes.</summary>
    public static async Task<int> DiagAsync(string configPath, string? url, Func<HttpClient, Task<int>> verb)
    {
        if (url is null)
            return await With(configPath, async config =>
            {
                using var client = RouterClient.Create(config, DiagClient.Timeout);
                return await verb(client);
            });
        using var http = DiagClient.ForUrl(url);
        if (http is null)
        {
            Console.Error.WriteLine($"--url must be an http(s) URL such as http://10.0.0.2:8317, not '{url}'.");
            return DiagClient.BadConfig;
        }
        return await verb(http);
    }

    private static async Task<int> With(string configPath, Func<RouterConfig, Task<int>> verb) =>
        Load(configPath) is { } config ? await verb(config) : ConfigException.ExitCode;

    /// <summary>The config, or null after printing its one-line error.</summary>
    private static RouterConfig? Load(string configPath)
    {
        try
        {
            return ConfigLoader.LoadFile(configPath);
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine(e.Message);
            return null;
        }
    }
}
