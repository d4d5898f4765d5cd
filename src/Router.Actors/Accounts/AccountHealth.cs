namespace Router.Actors.Accounts;

/// <summary>Failed: the account's journal or snapshot cannot be read; it serves nothing until repaired (or reset to retry).</summary>
public enum AccountHealth { Healthy, Degraded, Unauthenticated, Failed }

/// <summary>What happened to one upstream call made with a lease; the account turns it into state.</summary>
public enum OutcomeKind
{
    Success,
    /// <summary>The client's fault (e.g. a 400): says nothing about the account.</summary>
    ClientError,
    /// <summary>The client went away or the call was cancelled: says nothing about the account.</summary>
    Cancelled,
    RateLimited,
    Unauthorized,
    /// <summary>5xx, timeout, connection error, or a stream that broke.</summary>
    Transient,
}

public sealed record CallOutcome(OutcomeKind Kind, TimeSpan? RetryAfter = null, string? Detail = null)
{
    public static readonly CallOutcome Success = new(OutcomeKind.Success);
    public static readonly CallOutcome ClientError = new(OutcomeKind.ClientError);
    public static readonly CallOutcome Cancelled = new(OutcomeKind.Cancelled);
}
