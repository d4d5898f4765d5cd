using System.Net;
using System.Security.Cryptography;
using Router.Actors.Configuration;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Http;

/// <summary>
/// Guards /v1/auth/* (and management): the management key as `Authorization: Bearer` or
/// `X-Management-Key`; with no key configured, only callers on this machine (loopback).
/// </summary>
public sealed class ManagementGuard(RouterConfig config)
{
    private readonly byte[]? _keyHash = config.Server.ManagementKey.Length > 0 ? FrontDoor.Hash(config.Server.ManagementKey) : null;

    /// <summary>True when allowed; otherwise the 401/403 has been written.</summary>
    public async Task<bool> AdmitAsync(HttpContext context)
    {
        if (_keyHash is null)
        {
            if (context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)) return true;
            await FrontDoor.WriteErrorAsync(context, WireFormats.OpenAiChat, new ErrorInfo(403, ErrorKind.PermissionDenied,
                "Sign-in endpoints answer only on this machine unless server.management_key is set."));
            return false;
        }
        var presented = Presented(context.Request);
        if (presented is not null && CryptographicOperations.FixedTimeEquals(_keyHash, FrontDoor.Hash(presented))) return true;
        await FrontDoor.WriteErrorAsync(context, WireFormats.OpenAiChat, ErrorInfo.Unauthorized(
            "A management key is required: send it as 'Authorization: Bearer KEY' or 'X-Management-Key: KEY'."));
        return false;
    }

    private static string? Presented(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-Management-Key", out var key) && key.Count > 0) return key.ToString();
        return FrontDoor.Bearer(request);
    }
}
