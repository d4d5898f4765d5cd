using Router.Actors.Configuration;
using Router.Actors.Relay;
using Router.Protocols;

namespace Router.Actors.Upstreams;

/// <summary>
/// AI Studio through browser workers: the Gemini API calls of the gemini type, sent over a worker's
/// WebSocket instead of HttpClient. The lease's credential is the worker's entity id, which finds its
/// socket in the node's <see cref="RelayHub"/>; a worker gone since the lease fails like a refused
/// connection (failover). The model's suffix (model_suffix, default "-aistudio") is dropped upstream.
/// </summary>
public sealed class RelayUpstream : IUpstream
{
    public const string DefaultSuffix = "-aistudio";

    private readonly ProviderConfig _config;
    private readonly RelayHub _hub;
    private readonly string _suffix;
    private readonly UpstreamEndpoints _endpoints;
    // One Gemini upstream per socket, made on its first request and gone with the socket.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<RelayConnection, HttpUpstream> _upstreams = new();

    public RelayUpstream(ProviderConfig config, RelayHub hub, UpstreamEndpoints geminiEndpoints)
    {
        // target_url (where the worker's requests go) wins over base_url.
        _config = config.Extra.GetValueOrDefault("target_url") is string target ? config with { BaseUrl = target } : config;
        _hub = hub;
        _suffix = config.Extra.GetValueOrDefault("model_suffix") as string ?? DefaultSuffix;
        // The worker's browser session is the credential: no key header.
        _endpoints = geminiEndpoints with { Authenticate = (_, _) => { } };
    }

    public IWireFormat Format => WireFormats.Gemini;

    public UpstreamTarget For(string model) =>
        new(this, _suffix.Length > 0 && model.EndsWith(_suffix, StringComparison.OrdinalIgnoreCase) ? model[..^_suffix.Length] : model);

    public bool CanCountTokens => true;

    public Task<HttpResponseMessage> SendAsync(UpstreamRequest request, CancellationToken cancellationToken) =>
        Through(request.Credential) is { } worker ? worker.SendAsync(request, cancellationToken) : NotConnected();

    public Task<HttpResponseMessage> CountTokensAsync(UpstreamRequest request, CancellationToken cancellationToken) =>
        Through(request.Credential) is { } worker ? worker.CountTokensAsync(request, cancellationToken) : NotConnected();

    /// <summary>The Gemini upstream whose HTTP client is the worker's socket; null when the worker has gone.</summary>
    private HttpUpstream? Through(string entityId) =>
        _hub.ByEntity(entityId) is { } connection
            ? _upstreams.GetValue(connection, c => new HttpUpstream(_config, new UpstreamClient(new RelayHandler(c)), WireFormats.Gemini, _endpoints))
            : null;

    private static Task<HttpResponseMessage> NotConnected() =>
        Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "relay worker: not connected"));

    /// <summary>Hands HttpClient's requests to one worker's socket.</summary>
    private sealed class RelayHandler(RelayConnection connection) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            connection.SendAsync(request, cancellationToken);
    }
}
