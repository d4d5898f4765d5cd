namespace Router.Actors.Configuration;

/// <summary>
/// One client key of `server.api_keys` (or one created through the management API): its name (what
/// usage, logs and the management API call it), the key, the models it may use (`*` wildcards;
/// empty = every model) and its limits.
/// </summary>
public sealed record ClientKeyConfig(string Name, string Key, IReadOnlyList<string> Models, ClientKeyLimits Limits)
{
    public static ClientKeyConfig Plain(string key) => new(ClientKeyName.Derive(key), key, [], ClientKeyLimits.None);

    // The key is a secret: a record's generated ToString would print it.
    public override string ToString() => $"ClientKeyConfig {{ Name = {Name} }}";
}

/// <summary>`limits:` of a client key; null = no limit.</summary>
public sealed record ClientKeyLimits(int? RequestsPerMinute = null, long? TokensPerDay = null)
{
    public static readonly ClientKeyLimits None = new();
}
