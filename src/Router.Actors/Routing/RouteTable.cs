using System.Text.RegularExpressions;
using Router.Actors.Configuration;

namespace Router.Actors.Routing;

/// <summary>
/// models.routing and models.aliases, compiled once: the first pattern that matches the (de-aliased)
/// model name decides the ordered list of providers to try.
/// </summary>
public sealed class RouteTable
{
    private readonly IReadOnlyList<(Regex Pattern, IReadOnlyList<string> Providers)> _routes;
    private readonly IReadOnlyDictionary<string, string> _aliases;

    public RouteTable(ModelsConfig models)
    {
        _aliases = models.Aliases;
        _routes = models.Routing
            .Select(r => (new Regex(r.Pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)), r.Providers))
            .ToList();
    }

    /// <summary>The upstream model name and the providers to try in order, or null when nothing matches.</summary>
    public (string UpstreamModel, IReadOnlyList<string> Providers)? Resolve(string model)
    {
        var upstream = _aliases.GetValueOrDefault(model, model);
        foreach (var (pattern, providers) in _routes)
            if (pattern.IsMatch(upstream))
                return (upstream, providers);
        return null;
    }
}
