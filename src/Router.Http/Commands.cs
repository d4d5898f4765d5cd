using Router.Actors.Configuration;
using Router.Http.Operations;

namespace Router.Http;

/// <summary>What each verb of the command line does; every verb reads the config first.</summary>
public static class Commands
{
    public static async Task<int> ServeAsync(string configPath, bool background, CancellationToken cancellationToken)
    {
        if (Load(configPath) is not { } config) return ConfigException.ExitCode;
        if (PidFile.Running(config) is { } running)
        {
            Console.Error.WriteLine($"Router is already running for this config (pid {running}); stop it first (router stop).");
            return 1;
        }
        var app = RouterHost.Build(config, console: !background);
        await app.StartAsync(cancellationToken);
        PidFile.Write(config);
        app.Logger.LogInformation("Router listening on {Address} (pid {Pid})", RouterHost.BoundAddress(app), Environment.ProcessId);
        try
        {
            await app.WaitForShutdownAsync(CancellationToken.None);
        }
        finally
        {
            PidFile.RemoveOwn(config);
        }
        return 0;
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

    public static Task<int> StatusAsync(string configPath, bool json) => With(configPath, config => StatusCommand.RunAsync(config, json, Console.Out));

    public static Task<int> LogsAsync(string configPath, string? name, bool follow, int lines, CancellationToken cancellationToken) =>
        With(configPath, config => LogsCommand.RunAsync(config, name, follow, lines, Console.Out, cancellationToken));

    public static Task<int> InstallAsync(string configPath) => With(configPath, config => InstallCommand.RunAsync(config, Console.Out));

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
