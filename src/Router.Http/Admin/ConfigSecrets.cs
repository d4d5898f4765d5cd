using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Router.Http.Admin;

/// <summary>
/// Shows config.unified.yaml without its secrets and puts them back after an edit. Each secret scalar
/// (client, worker and management keys, provider keys, connection strings, cookies, tokens, every
/// header and service env value) is replaced in the text by a placeholder <c>&lt;secret:N&gt;</c>,
/// N counting secrets in document order; everything else (comments, layout, <c>${ENV}</c>
/// references) stays as written. <see cref="Restore"/> swaps each placeholder left in an edited text
/// back for the original scalar's exact source text, so an edit never needs to see a secret.
/// </summary>
public static partial class ConfigSecrets
{
    private static readonly HashSet<string> SecretKeys = new(StringComparer.Ordinal)
    {
        "api_keys", "worker_keys", "management_key", "connection_string", "key", "secret", "client_secret",
        "password", "clerk_jwt_cookie", "cookie", "token", "access_token", "refresh_token", "session",
    };

    /// <summary>Blocks whose every value is treated as a secret.</summary>
    private static readonly HashSet<string> SecretBlocks = new(StringComparer.Ordinal) { "headers", "env" };

    [GeneratedRegex(@"^<secret:(\d+)>$")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$")]
    private static partial Regex EnvReference();

    /// <summary>The text with every secret replaced by its placeholder, and how many there were.</summary>
    public static (string Text, int Count) Mask(string yaml)
    {
        var secrets = SecretSpans(yaml);
        var text = Replace(yaml, secrets.Select((span, i) => (span, $"<secret:{i + 1}>")));
        return (text, secrets.Count);
    }

    /// <summary>
    /// <paramref name="edited"/> with each placeholder replaced by the secret it stood for in
    /// <paramref name="original"/>. Throws <see cref="FormatException"/> (with the line) for a
    /// placeholder that names no secret or text that is not YAML.
    /// </summary>
    public static string Restore(string edited, string original)
    {
        var secrets = SecretSpans(original);
        var swaps = new List<(Span, string)>();
        foreach (var scalar in Scalars(Parse(edited)))
        {
            if (Placeholder().Match(scalar.Node.Value ?? "") is not { Success: true } match) continue;
            var n = int.Parse(match.Groups[1].Value);
            if (n < 1 || n > secrets.Count)
                throw new FormatException($"line {scalar.Node.Start.Line}: <secret:{n}> names no secret of the current config (it has {secrets.Count})");
            var source = secrets[n - 1];
            swaps.Add((SpanOf(scalar.Node), original[source.Start..source.End]));
        }
        return Replace(edited, swaps);
    }

    private readonly record struct Span(int Start, int End);

    private readonly record struct PathedScalar(YamlScalarNode Node, IReadOnlyList<string> Path);

    private static List<Span> SecretSpans(string yaml) =>
        Scalars(Parse(yaml)).Where(IsSecret).Select(s => SpanOf(s.Node)).ToList();

    private static bool IsSecret(PathedScalar scalar)
    {
        var value = scalar.Node.Value ?? "";
        if (value.Length == 0 || EnvReference().IsMatch(value) || scalar.Path.Count == 0) return false;
        var last = scalar.Path[^1];
        // Entries of a key list are secrets; of an api_keys entry that is an object, only its key is.
        if (last == "[]") return scalar.Path.Count >= 2 && scalar.Path[^2] is "api_keys" or "worker_keys";
        if (scalar.Path.Count >= 2 && SecretBlocks.Contains(scalar.Path[^2])) return true;
        return SecretKeys.Contains(last) && !(last == "api_keys" || last == "worker_keys");
    }

    private static Span SpanOf(YamlNode node) => new((int)node.Start.Index, (int)node.End.Index);

    private static YamlNode? Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new FormatException($"line {e.Start.Line}: not valid YAML: {e.Message}");
        }
        return stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
    }

    private static IEnumerable<PathedScalar> Scalars(YamlNode? root)
    {
        if (root is null) yield break;
        var pending = new Stack<(YamlNode Node, IReadOnlyList<string> Path)>();
        pending.Push((root, []));
        while (pending.Count > 0)
        {
            var (node, path) = pending.Pop();
            switch (node)
            {
                case YamlScalarNode scalar:
                    yield return new PathedScalar(scalar, path);
                    break;
                case YamlSequenceNode sequence:
                    foreach (var item in sequence.Children) pending.Push((item, [.. path, "[]"]));
                    break;
                case YamlMappingNode mapping:
                    foreach (var (key, value) in mapping.Children)
                        pending.Push((value, [.. path, (key as YamlScalarNode)?.Value ?? "?"]));
                    break;
            }
        }
    }

    /// <summary>Replaces non-overlapping spans of <paramref name="text"/>, back to front so indexes stay valid.</summary>
    private static string Replace(string text, IEnumerable<(Span Span, string With)> swaps)
    {
        var builder = new StringBuilder(text);
        foreach (var (span, with) in swaps.OrderByDescending(s => s.Span.Start))
            builder.Remove(span.Start, span.End - span.Start).Insert(span.Start, with);
        return builder.ToString();
    }
}
