using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Router.Actors.Configuration;

namespace Router.Actors.Routing;

/// <summary>
/// models.routing and models.aliases, compiled once per config: the first pattern that matches the
/// (de-aliased) model name decides the ordered list of providers to try. A reload compiles the new
/// table and swaps it in whole; a request reads one table from start to end.
/// </summary>
public sealed class RouteTable
{
    private sealed record Compiled(IReadOnlyList<(Regex Pattern, IReadOnlyList<string> Providers)> Routes, IReadOnlyDictionary<string, string> Aliases)
    {
        // Answers already worked out, by the model name the client sent: a request for a known model runs no pattern
        // (a match with its timeout guard costs about 1 % of the router's CPU on a JSON answer). Bounded, so names
        // made up by clients cannot grow it; past the bound, patterns run as before.
        public readonly ConcurrentDictionary<string, (string UpstreamModel, IReadOnlyList<string> Providers)?> Resolved = new();
        public int Remembered;
    }

    private const int MaxRemembered = 1024;

    private volatile Compiled _table;

    public RouteTable(ModelsConfig models) => _table = Compile(models);

    /// <summary>A reload: the new routes and aliases take effect for every request resolved from now on.</summary>
    public void Replace(ModelsConfig models) => _table = Compile(models);

    private static Compiled Compile(ModelsConfig models) => new(
        models.Routing
            .Select(r => (new Regex(r.Pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)), r.Providers))
            .ToList(),
        models.Aliases);

    /// <summary>The alias names clients may use.</summary>
    public IEnumerable<string> Aliases => _table.Aliases.Keys;

    /// <summary>The upstream model name and the providers to try in order, or null when nothing matches.</summary>
    public (string UpstreamModel, IReadOnlyList<string> Providers)? Resolve(string model)
    {
        var table = _table;
        if (table.Resolved.TryGetValue(model, out var known)) return known;
        var resolved = Match(table, model);
        if (Volatile.Read(ref table.Remembered) < MaxRemembered && table.Resolved.TryAdd(model, resolved))
            Interlocked.Increment(ref table.Remembered);
        return resolved;
    }

    private static (string UpstreamModel, IReadOnlyList<string> Providers)? Match(Compiled table, string model)
    {
        var upstream = table.Aliases.GetValueOrDefault(model, model);
        foreach (var (pattern, providers) in table.Routes)
            if (pattern.IsMatch(upstream))
                return (upstream, providers);
        return null;
    }
}
