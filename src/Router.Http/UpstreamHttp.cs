using System.Net;
using Router.Actors.Upstreams;

namespace Router.Http;

/// <summary>The one HttpClient every upstream call shares (an UpstreamClient): pooled connections, no overall timeout (each provider sets its own), no redirects, no cookies.</summary>
public static class UpstreamHttp
{
    public static HttpClient CreateClient() => new UpstreamClient(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        // No Accept-Encoding upstream: answers arrive as they are sent (streams flow chunk by chunk) and
        // no CPU goes to decompressing on the hot path.
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = int.MaxValue,
        // A gateway passes an upstream's answer on; it does not follow a redirect with a client's body
        // somewhere else, and it keeps no cookie jar: one shared jar would carry a cookie one account's
        // upstream set into every other account's calls.
        AllowAutoRedirect = false,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
    });
}
