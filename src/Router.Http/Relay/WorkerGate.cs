using System.Security.Cryptography;
using Router.Actors.Configuration;

namespace Router.Http.Relay;

/// <summary>
/// Who may connect as a relay worker: a caller presenting a key of server.worker_keys
/// (`Authorization: Bearer` or `?key=`) — never a client key, since a worker receives other callers'
/// prompts. With no worker key configured, only direct callers on this machine, without a key.
/// </summary>
public sealed class WorkerGate(RouterConfig config)
{
    private readonly byte[][] _keyHashes = config.Server.WorkerKeys.Where(k => k.Length > 0).Select(FrontDoor.Hash).ToArray();

    public bool Admits(HttpContext context)
    {
        if (_keyHashes.Length == 0) return ManagementGuard.IsLocal(context);
        var presented = FrontDoor.Bearer(context.Request)
            ?? (context.Request.Query.TryGetValue("key", out var query) ? query.ToString() : null);
        if (presented is null) return false;
        var hash = FrontDoor.Hash(presented);
        var admitted = false;
        foreach (var known in _keyHashes)
            admitted |= CryptographicOperations.FixedTimeEquals(known, hash);
        return admitted;
    }

    public string Refusal => _keyHashes.Length == 0
        ? "The relay accepts only workers on this machine unless server.worker_keys is set."
        : "A worker key is required: send one of server.worker_keys as 'Authorization: Bearer KEY' or '?key=KEY'.";
}
