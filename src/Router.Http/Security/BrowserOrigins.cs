using Router.Actors.Configuration;

namespace Router.Http.Security;

/// <summary>
/// Tells a request a web page of another origin made from one the router may serve. Browsers send
/// `Origin` with every cross-origin fetch and every POST/DELETE; a cross-site navigation or
/// image load carries `Sec-Fetch-Site` instead. Trusted: the router's own origin (scheme://Host of
/// the request, whose Host has already passed <see cref="TrustedHosts"/>) and server.cors_origins.
/// </summary>
public sealed class BrowserOrigins(ServerConfig server)
{
    // "null" is what sandboxed frames and file: pages send: every site can produce it, so it is never trusted.
    private readonly HashSet<string> _trusted = server.CorsOrigins
        .Select(Normalize)
        .Where(o => o.Length > 0 && o != "null")
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>An origin listed in server.cors_origins (the CORS policy allows exactly these).</summary>
    public bool IsTrusted(string origin) => _trusted.Contains(Normalize(origin));

    public bool IsForeign(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
            return !IsTrusted(origin) && !string.Equals(Normalize(origin), $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);
        return request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site";
    }

    private static string Normalize(string origin) => origin.Trim().TrimEnd('/');
}
