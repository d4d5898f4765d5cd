namespace Router.Persistence.Usage;

/// <summary>What usage is counted by: a client key's name (never the key), provider, account label, model and UTC day (yyyy-MM-dd).</summary>
public readonly record struct UsageKey(string ClientKey, string Provider, string Account, string Model, string Day);

/// <summary>Counts for one usage key: requests, tokens (input includes cached), and requests that ended in an error.</summary>
public readonly record struct UsageCounts(long Requests, long InputTokens, long OutputTokens, long CachedTokens, long Errors)
{
    public UsageCounts Add(UsageCounts other) => new(
        Requests + other.Requests, InputTokens + other.InputTokens, OutputTokens + other.OutputTokens,
        CachedTokens + other.CachedTokens, Errors + other.Errors);
}

/// <summary>One stored row.</summary>
public sealed record UsageRow(UsageKey Key, UsageCounts Counts);
