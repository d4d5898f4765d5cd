using Akka.Actor;
using Akka.Hosting;
using Router.Actors.Accounts;
using Router.Actors.Configuration;
using Router.Actors.Providers;
using Router.Actors.Relay;
using Router.Actors.Routing;
using Router.Http.ClientKeys;

namespace Router.Http.Reload;

/// <summary>
/// Reads the config file again and applies it to the running router: first the whole file is
/// validated (an invalid one changes nothing and the answer says what is wrong), then providers
/// (an unchanged one keeps its actor and its accounts' state; a removed one finishes its calls under
/// way), routes and aliases, client keys and the log level. Keys only a restart applies are named.
/// One reload at a time, whatever asked for it (the endpoint, SIGHUP, the file watcher).
/// </summary>
public sealed class ConfigReloader(
    RouterConfig started, IRequiredActor<RoutingActor> routing, RouteTable routes, AccountDirectory directory,
    ClientKeyring keys, LiveLogLevel logLevel, HttpClient http, RelayHub relay, ILogger<ConfigReloader> log)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _one = new(1, 1);
    private volatile RouterConfig _running = started;

    /// <summary>The config the router runs now.</summary>
    public RouterConfig Running => _running;

    public async Task<ReloadResult> ReloadAsync(string trigger, CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            var running = _running;
            if (running.SourcePath is null)
                return ReloadResult.Refused("this router was not started from a config file");
            RouterConfig next;
            try
            {
                next = ConfigLoader.LoadFile(running.SourcePath);
            }
            catch (ConfigException e)
            {
                log.LogError("Reload ({Trigger}) refused; the running config stays: {Error}", trigger, e.Message);
                return ReloadResult.Refused(e.Message);
            }

            var result = new ReloadResult(true, null, ConfigDiff.Applied(running, next), ConfigDiff.NeedingRestart(running, next));
            await ApplyProvidersAsync(running, next, cancellationToken);
            routes.Replace(next.Models);
            keys.ReplaceConfigured(next.Server.ClientKeys);
            logLevel.Set(next.Logging);
            _running = ConfigDiff.Running(running, next);
            log.LogInformation("Config reloaded ({Trigger}): {Changes}{Restart}", trigger,
                result.Changes.Count == 0 ? "no change" : string.Join("; ", result.Changes),
                result.RestartNeeded.Count == 0 ? "" : "; needs a restart to apply: " + string.Join(", ", result.RestartNeeded));
            return result;
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>Unchanged providers keep their very definition (so their actor); the others are built anew.</summary>
    private async Task ApplyProvidersAsync(RouterConfig running, RouterConfig next, CancellationToken cancellationToken)
    {
        var catalog = await routing.ActorRef.Ask<ProviderCatalog>(GetProviders.Instance, AskTimeout, cancellationToken);
        var definitions = next.Providers
            .Select(p => catalog.Find(p.Name) is { } served && ConfigDiff.SameProvider(served.Definition.Config, p)
                ? served.Definition
                : ProviderDefinition.From(p, http, running.Auth.Dir, relay))
            .ToList();
        directory.Add(definitions.SelectMany(d => d.Accounts),
            entityId => definitions.Select(p => p.SignedInAccount(entityId)).FirstOrDefault(spec => spec is not null));
        // A retired provider's longest call is bounded by its timeout.
        var drain = TimeSpan.FromSeconds(catalog.All.Select(p => p.Definition.Config.Timeout).DefaultIfEmpty(120).Max() + 5);
        await routing.ActorRef.Ask<ProvidersApplied>(new ApplyProviders(definitions, drain), AskTimeout, cancellationToken);
    }
}
