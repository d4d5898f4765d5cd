namespace Router.Actors.Upstreams;

/// <summary>
/// The HttpClient for upstream calls, with a plain invoker over the same handler for the calls on the
/// request path. HttpClient.SendAsync links a new CancellationTokenSource to the caller's token for every
/// call (for its own timeout and CancelPendingRequests, neither of which the router uses) and adds a layer
/// of async state; the invoker hands the request straight to the handler, as YARP does. Everything else
/// (sign-in, health checks) uses the HttpClient as usual. No overall timeout: each call brings its own.
/// </summary>
public sealed class UpstreamClient : HttpClient
{
    public UpstreamClient(HttpMessageHandler handler) : base(handler, disposeHandler: true)
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan;
        Direct = new HttpMessageInvoker(handler, disposeHandler: false);
    }

    /// <summary>Sends straight to the handler: the response comes at its headers, its body unread (ResponseHeadersRead).</summary>
    public HttpMessageInvoker Direct { get; }

    /// <summary>
    /// The call as the request path makes it: through <see cref="Direct"/> when <paramref name="http"/> is an
    /// UpstreamClient, else through HttpClient with ResponseHeadersRead (the same answer, at a little more cost).
    /// </summary>
    public static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken) =>
        http is UpstreamClient upstream
            ? upstream.Direct.SendAsync(request, cancellationToken)
            : http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
}
