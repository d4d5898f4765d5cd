using System.Security.Cryptography;
using Router.Actors.Configuration;

namespace Router.Http.ClientKeys;

/// <summary>
/// Creates and revokes managed client keys and keeps the keyring in step with the store: at once on
/// this node, and by reading the store again every <see cref="RefreshEvery"/> so that every node of a
/// cluster sees a key created or revoked elsewhere within that time.
/// </summary>
public sealed class ManagedKeys(ManagedKeyStore store, ClientKeyring keyring, ILogger<ManagedKeys> log) : BackgroundService
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(5);
    public const string Prefix = "sk-router-";

    public sealed record Created(ClientKey Key, string Secret);

    /// <summary>The new key (its secret shown this once), or why not: a name taken or malformed.</summary>
    public async Task<(Created? Key, string? Error)> CreateAsync(string name, IReadOnlyList<string> models, ClientKeyLimits limits, CancellationToken cancellationToken)
    {
        if (!ClientKeyName.IsValid(name))
            return (null, "name: expected letters, digits, '.', '_' or '-' (at most 64 characters)");
        if (keyring.Configured.Any(k => k.Name == name))
            return (null, $"name: a key named '{name}' is defined in server.api_keys");
        var secret = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var key = new ClientKey(name, KeyHash.Of(secret), models, limits, "managed", DateTimeOffset.UtcNow);
        if (!await store.AddAsync(key, cancellationToken))
            return (null, $"name: a key named '{name}' exists already");
        await RefreshAsync(cancellationToken);
        log.LogInformation("Client key {Name} created", name);
        return (new Created(key, secret), null);
    }

    /// <summary>False when no managed key has that name.</summary>
    public async Task<bool> RevokeAsync(string name, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(name, cancellationToken)) return false;
        await RefreshAsync(cancellationToken);
        log.LogInformation("Client key {Name} revoked", name);
        return true;
    }

    public async Task RefreshAsync(CancellationToken cancellationToken) => keyring.ReplaceManaged(await store.ListAsync(cancellationToken));

    /// <summary>The keys are read before the router serves: no request slips in before its keys are known.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await TryRefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken))
            await TryRefreshAsync(stoppingToken);
    }

    private async Task TryRefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(cancellationToken);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            log.LogWarning("Could not read the managed client keys (the last ones read stay in use): {Reason}", e.Message);
        }
    }
}
