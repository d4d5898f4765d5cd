using System.IO.Enumeration;
using Router.Actors.Configuration;

namespace Router.Http.ClientKeys;

/// <summary>
/// A client key as the front door knows it: its name, the SHA-256 of the key (never the key), the
/// model patterns it may use (`*` and `?` wildcards over the whole name; none = every model), its
/// limits, and where it comes from (config or the management API).
/// </summary>
public sealed record ClientKey(string Name, byte[] Hash, IReadOnlyList<string> Models, ClientKeyLimits Limits, string Source, DateTimeOffset? Created = null)
{
    /// <summary>The caller when no client key is configured at all: every model, no limits.</summary>
    public static readonly ClientKey Open = new(ClientKeyName.Anonymous, [], [], ClientKeyLimits.None, "none");

    private static readonly object ItemKey = new();

    public static ClientKey FromConfig(ClientKeyConfig config) =>
        new(config.Name, KeyHash.Of(config.Key), config.Models, config.Limits, "config");

    public bool Allows(string model)
    {
        if (Models.Count == 0) return true;
        foreach (var pattern in Models)
            if (FileSystemName.MatchesSimpleExpression(pattern, model, ignoreCase: false))
                return true;
        return false;
    }

    /// <summary>The key the request came with (set by the front door), or null before it was checked.</summary>
    public static ClientKey? Of(HttpContext context) => context.Items.TryGetValue(ItemKey, out var key) ? key as ClientKey : null;

    internal void AttachTo(HttpContext context) => context.Items[ItemKey] = this;

    public override string ToString() => $"ClientKey {{ Name = {Name} }}";
}
