using Router.Actors.Configuration;

namespace Router.Http;

/// <summary>What each verb of the command line does.</summary>
public static class Commands
{
    public static async Task<int> ServeAsync(string configPath, CancellationToken cancellationToken)
    {
        RouterConfig config;
        try
        {
            config = ConfigLoader.LoadFile(configPath);
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine(e.Message);
            return ConfigException.ExitCode;
        }

        var app = RouterHost.Build(config);
        await app.StartAsync(cancellationToken);
        app.Logger.LogInformation("Router listening on {Address}", RouterHost.BoundAddress(app));
        await app.WaitForShutdownAsync(CancellationToken.None);
        return 0;
    }

    public static int Validate(string configPath)
    {
        try
        {
            var config = ConfigLoader.LoadFile(configPath);
            Console.WriteLine($"{configPath}: valid ({config.Providers.Count} providers, {config.Models.Routing.Count} routes)");
            return 0;
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine(e.Message);
            return ConfigException.ExitCode;
        }
    }
}
