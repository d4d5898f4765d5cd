using System.Net;
using System.Security.Cryptography;
using Router.Actors.Configuration;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Http;

/// <summary>
/// Guards /v1/auth/* and /v0/management/*: the management key as `Authorization: Bearer` or
/// `X-Management-Key` (never `?key=`, which ends up in logs and browser history; a client key is
/// not a management key); with no key configured, only callers on this machine. "On this machine"
/// is the connection's own address: forwarding headers are never believed, and a request that
/// carries one came through a proxy, so it is not local even when the proxy itself is.
/// </summary>
public sealed class ManagementGuard(RouterConfig config)
{
    /// <summary>Headers a proxy adds (X-Original-For is where ASP.NET's forwarded-headers middleware keeps the real peer).</summary>
    private static readonly string[] ProxyHeaders =
        ["Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP", "X-Original-For", "True-Client-IP", "CF-Connecting-IP"];

    private readonly byte[]? _keyHash = config.Server.ManagementKey.Length > 0 ? FrontDoor.Hash(config.Server.ManagementKey) : null;

    /// <summary>True when allowed; otherwise the 401/403 has been written.</summary>
    public async Task<bool> AdmitAsync(HttpContext context)
    {
        if (_keyHash is null)
        {
            if (IsLocal(context)) return true;
            await FrontDoor.WriteErrorAsync(context, WireFormats.OpenAiChat, new ErrorInfo(403, ErrorKind.PermissionDenied,
                "Sign-in and management endpoints answer only to direct callers on this machine unless server.management_key is set."));
            return false;
        }
        var presented = Presented(context.Request);
        if (presented is not null && CryptographicOperations.FixedTimeEquals(_keyHash, FrontDoor.Hash(presented))) return true;
        await FrontDoor.WriteErrorAsync(context, WireFormats.OpenAiChat, ErrorInfo.Unauthorized(
            "A management key is required: send it as 'Authorization: Bearer KEY' or 'X-Management-Key: KEY'."));
        return false;
    }

    public static bool IsLocal(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
        && !ProxyHeaders.Any(context.Request.Headers.ContainsKey);

    private static string? Presented(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-Management-Key", out var key) && key.Count > 0) return key.ToString();
        return FrontDoor.Bearer(request);
    }
}
