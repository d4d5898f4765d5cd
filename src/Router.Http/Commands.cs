using Router.Actors.Configuration;

namespace Router.Http;

/// <summary>What each verb of the command line does.</summary>
public static class Commands
{
    public static async Task<int> ServeAsync(string configPath, CancellationToken cancellationToken)
    {
        if (Load(configPath) is not { } config) return ConfigException.ExitCode;
        var app = RouterHost.Build(config);
        await app.StartAsync(cancellationToken);
        app.Logger.LogInformation("Router listening on {Address}", RouterHost.BoundAddress(app));
        await app.WaitForShutdownAsync(CancellationToken.None);
        return 0;
    }

    public static int Validate(string configPath)
    {
        if (Load(configPath) is not { } config) return ConfigException.ExitCode;
        Console.WriteLine($"{configPath}: valid ({config.Providers.Count} providers, {config.Models.Routing.Count} routes)");
        return 0;
    }

    public static async Task<int> LoginAsync(string configPath, string kind, string? provider, CancellationToken cancellationToken) =>
        Load(configPath) is { } config ? await LoginCommand.RunAsync(config, kind, provider, cancellationToken) : ConfigException.ExitCode;

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
