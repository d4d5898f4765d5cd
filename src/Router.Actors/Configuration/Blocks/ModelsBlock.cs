using System.Text.RegularExpressions;
using Router.Actors.Configuration.Reading;
using YamlDotNet.RepresentationModel;

namespace Router.Actors.Configuration.Blocks;

/// <summary>`models:` the routing table (pattern → providers in order) and aliases.</summary>
internal sealed class ModelsBlock(ConfigSource source) : BlockReader(source)
{
    public ModelsConfig Read(ConfigEntry? section, IReadOnlyList<ProviderConfig> providers) =>
        Section(section, ConfigKeys.Models).Aggregate(new ModelsConfig(), (config, e) => e.Key switch
        {
            "routing" => config with { Routing = Routing(e, providers) },
            "aliases" => config with { Aliases = Aliases(e) },
            _ => config,
        });

    private Dictionary<string, string> Aliases(ConfigEntry e)
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var alias in Mapping(e.Value, e.Path, allowed: null, expected: "a mapping of public model names to upstream model names"))
        {
            var target = String(alias);
            if (string.IsNullOrWhiteSpace(target))
                throw Error(alias.Value, alias.Path, "expected a non-empty model name");
            aliases[alias.Key] = target;
        }
        return aliases;
    }

    private List<RouteConfig> Routing(ConfigEntry routing, IReadOnlyList<ProviderConfig> providers)
    {
        if (IsNull(routing.Value))
            return [];
        if (routing.Value is not YamlSequenceNode list)
            throw Error(routing.Value, routing.Path, $"expected a list of {{pattern, providers}} entries, got {Kind(routing.Value)}");
        return list.Children.Select((item, i) => Route(item, $"{routing.Path}[{i}]", providers)).ToList();
    }

    private RouteConfig Route(YamlNode item, string path, IReadOnlyList<ProviderConfig> providers)
    {
        if (IsNull(item))
            throw Error(item, path, "expected a mapping with 'pattern' and 'providers'");
        var entries = Mapping(item, path, ConfigKeys.Route);

        var patternEntry = entries.FirstOrDefault(e => e.Key == "pattern");
        if (patternEntry.Key is null)
            throw Error(item, Child(path, "pattern"), "missing required key 'pattern'");
        var pattern = String(patternEntry);
        if (string.IsNullOrEmpty(pattern))
            throw Error(patternEntry.Value, patternEntry.Path, "expected a non-empty regular expression");
        CheckRegex(patternEntry, pattern);

        var providersEntry = entries.FirstOrDefault(e => e.Key == "providers");
        if (providersEntry.Key is null)
            throw Error(item, Child(path, "providers"), "missing required key 'providers' (a non-empty list of provider names)");
        var names = StringListNodes(providersEntry) ?? [];
        if (names.Count == 0)
            throw Error(providersEntry.Value, providersEntry.Path, "expected a non-empty list of provider names");
        foreach (var (name, node, namePath) in names)
        {
            if (!providers.Any(p => p.Name == name))
            {
                var known = providers.Count == 0 ? "no providers are defined" : $"defined: {string.Join(", ", providers.Select(p => p.Name))}";
                throw Error(node, namePath, $"undefined provider '{Shorten(name)}' ({known})");
            }
        }
        return new RouteConfig(pattern, names.Select(n => n.Value).ToList(), (int)item.Start.Line);
    }

    private void CheckRegex(ConfigEntry entry, string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException ex)
        {
            var reason = ex is RegexParseException parse ? $"{parse.Error} at offset {parse.Offset}" : YamlReader.OneLine(ex.Message);
            throw Error(entry.Value, entry.Path, $"invalid regular expression '{Shorten(pattern)}' ({reason})");
        }
    }
}
