using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Router.Actors.Configuration.Reading;

/// <summary>The file being read: its name (prefix of every message) and the folder relative paths resolve against.</summary>
internal sealed record ConfigSource(string Name, string BaseDir);

/// <summary>
/// Typed values of YAML nodes for the block readers: each scalar goes through <c>${ENV}</c> expansion, and
/// anything wrong throws a <see cref="ConfigException"/> <c>FILE:LINE: key.path: what is wrong</c>.
/// Values are quoted in messages only where they cannot be secrets.
/// </summary>
internal abstract class BlockReader(ConfigSource source)
{
    protected ConfigSource Source => source;

    protected string BaseDir => source.BaseDir;

    protected List<ConfigEntry> Section(ConfigEntry? section, string[] allowed) =>
        section is { } s ? Mapping(s.Value, s.Path, allowed) : [];

    /// <summary>The entries of a mapping in file order (null = empty), rejecting keys outside <paramref name="allowed"/>.</summary>
    protected List<ConfigEntry> Mapping(YamlNode? node, string path, string[]? allowed, string expected = "a mapping")
    {
        var entries = new List<ConfigEntry>();
        if (node is null || IsNull(node))
            return entries;
        if (node is not YamlMappingNode mapping)
            throw Error(node, path.Length == 0 ? "(root)" : path, $"expected {expected}, got {Kind(node)}");
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode key || key.Value is null)
                throw Error(keyNode, path.Length == 0 ? "(root)" : path, "keys must be plain strings");
            var keyPath = Child(path, key.Value);
            if (allowed is not null && !allowed.Contains(key.Value))
                throw Error(key, keyPath, $"unknown key '{key.Value}' (allowed: {string.Join(", ", allowed)})");
            entries.Add(new ConfigEntry(key.Value, key, value, keyPath));
        }
        return entries;
    }

    /// <summary>A scalar after <c>${ENV}</c> expansion; null when the value is YAML null (absent).</summary>
    protected string? String(ConfigEntry e) => String(e.Value, e.Path);

    protected string? String(YamlNode node, string path)
    {
        if (IsNull(node))
            return null;
        if (node is not YamlScalarNode scalar)
            throw Error(node, path, $"expected a string, got {Kind(node)}");
        return Expand(scalar, path);
    }

    private string Expand(YamlScalarNode scalar, string path)
    {
        try
        {
            return EnvExpander.Expand(scalar.Value ?? "");
        }
        catch (FormatException ex)
        {
            throw Error(scalar, path, ex.Message);
        }
    }

    protected string? NonEmptyString(ConfigEntry e)
    {
        var value = String(e);
        if (value is not null && value.Trim().Length == 0)
            throw Error(e.Value, e.Path, "must not be empty");
        return value?.Trim();
    }

    /// <summary>A path value: plain <c>~</c> is the home folder here, not YAML null.</summary>
    protected string? PathValue(ConfigEntry e)
    {
        if (e.Value is YamlScalarNode { Style: ScalarStyle.Plain, Value: "~" })
            return "~";
        return NonEmptyString(e);
    }

    protected string? OneOf(ConfigEntry e, string[] allowed)
    {
        var value = String(e)?.Trim();
        if (value is null)
            return null;
        var match = allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase));
        return match ?? throw Error(e.Value, e.Path, $"unknown value '{Shorten(value)}' (expected one of: {string.Join(", ", allowed)})");
    }

    protected bool? Bool(ConfigEntry e)
    {
        var value = ScalarText(e, "a boolean (true or false)");
        if (value is null)
            return null;
        if (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
            return true;
        if (string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
            return false;
        throw Error(e.Value, e.Path, $"expected a boolean (true or false), got '{Shorten(value)}'");
    }

    protected long? Integer(ConfigEntry e, long min, long max, string expected)
    {
        var value = ScalarText(e, expected);
        if (value is null)
            return null;
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            throw Error(e.Value, e.Path, $"expected {expected}, got '{Shorten(value)}'");
        if (number < min || number > max)
            throw Error(e.Value, e.Path, $"{number} is out of range (expected {expected})");
        return number;
    }

    protected int? Int(ConfigEntry e, int min, int max, string expected) => (int?)Integer(e, min, max, expected);

    protected int? Port(ConfigEntry e) => Int(e, 0, 65535, "a port number in 0..65535");

    /// <summary>The expanded text of a non-secret scalar meant to be parsed (number, boolean).</summary>
    private string? ScalarText(ConfigEntry e, string expected)
    {
        if (IsNull(e.Value))
            return null;
        if (e.Value is not YamlScalarNode scalar)
            throw Error(e.Value, e.Path, $"expected {expected}, got {Kind(e.Value)}");
        return Expand(scalar, e.Path).Trim();
    }

    protected List<string>? StringList(ConfigEntry e) => StringListNodes(e)?.Select(n => n.Value).ToList();

    protected List<(string Value, YamlNode Node, string Path)>? StringListNodes(ConfigEntry e)
    {
        if (IsNull(e.Value))
            return null;
        if (e.Value is not YamlSequenceNode list)
            throw Error(e.Value, e.Path, $"expected a list of strings, got {Kind(e.Value)}");
        var items = new List<(string, YamlNode, string)>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var item = list.Children[i];
            var path = $"{e.Path}[{i}]";
            if (item is not YamlScalarNode scalar || IsNull(item))
                throw Error(item, path, $"expected a string, got {Kind(item)}");
            items.Add((Expand(scalar, path), item, path));
        }
        return items;
    }

    /// <summary>A mapping of names to strings (env, authorize_params); values may be secrets.</summary>
    protected Dictionary<string, string> StringMap(ConfigEntry e) =>
        Mapping(e.Value, e.Path, allowed: null).ToDictionary(v => v.Key, v => String(v) ?? "");

    /// <summary>An absolute http(s) URL without its trailing '/', or null when absent/empty. Never quoted in messages (it may carry credentials).</summary>
    protected string? HttpUrl(ConfigEntry e)
    {
        var value = String(e)?.Trim();
        if (string.IsNullOrEmpty(value))
            return null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
            throw Error(e.Value, e.Path, "expected an absolute http:// or https:// URL");
        return value.TrimEnd('/');
    }

    /// <summary>The value of <paramref name="key"/> among <paramref name="entries"/> read with <paramref name="read"/>, or null when absent.</summary>
    protected static T? Value<T>(List<ConfigEntry> entries, string key, Func<ConfigEntry, T?> read) where T : class =>
        entries.Where(e => e.Key == key).Select(read).FirstOrDefault();

    /// <summary>A raw block as plain objects: Dictionary&lt;string, object?&gt;, List&lt;object?&gt;, string (expanded) or null.</summary>
    protected object? Plain(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlMappingNode:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var e in Mapping(node, path, allowed: null))
                    map[e.Key] = Plain(e.Value, e.Path);
                return map;
            case YamlSequenceNode sequence:
                return sequence.Children.Select((item, i) => Plain(item, $"{path}[{i}]")).ToList();
            case YamlScalarNode scalar:
                return IsNull(scalar) ? null : Expand(scalar, path);
            default:
                throw Error(node, path, $"unsupported YAML node {Kind(node)}");
        }
    }

    protected ConfigException Error(YamlNode node, string path, string what) => Error(node.Start.Line, path, what);

    protected ConfigException Error(long line, string path, string what) =>
        new($"{source.Name}:{Math.Max(line, 1)}: {path}: {what}");

    protected static string Child(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    protected static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    protected static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "null",
        _ => "a scalar",
    };

    protected static string Shorten(string value) => value.Length <= 60 ? value : value[..57] + "...";

    protected static bool IsHeaderName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));
}
