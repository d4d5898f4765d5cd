using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Protocols;
using Router.Protocols.Json;

namespace Router.Actors.Upstreams;

/// <summary>Where a provider type sends a call and how it presents the credential (docs/configuration.md).</summary>
public sealed record UpstreamEndpoints(
    Func<string, bool, string> CompletionPath,
    Action<HttpRequestHeaders, string> Authenticate,
    Func<string, string>? CountTokensPath = null,
    IReadOnlyList<string>? ForwardedClientHeaders = null);

/// <summary>
/// An upstream reached over HTTP: POSTs the body to the endpoint its type names, with the credential
/// in the header that type uses, the configured extra headers, and the client headers that type forwards.
/// </summary>
public sealed class HttpUpstream(ProviderConfig config, HttpClient http, IWireFormat format, UpstreamEndpoints endpoints) : IUpstream
{
    private readonly string _baseUrl = config.BaseUrl.TrimEnd('/');
    private readonly Version _version = config.HttpVersion == UpstreamHttpVersion.Http11 ? HttpVersion.Version11 : HttpVersion.Version20;
    // Exact makes HTTP/2 over http:// go with prior knowledge (h2c) instead of falling back to HTTP/1.1.
    private readonly HttpVersionPolicy _versionPolicy = config.HttpVersion == UpstreamHttpVersion.Http2
        ? HttpVersionPolicy.RequestVersionExact
        : HttpVersionPolicy.RequestVersionOrLower;

    public IWireFormat Format => format;

    public Task<HttpResponseMessage> SendAsync(UpstreamRequest request, CancellationToken cancellationToken) =>
        PostAsync(endpoints.CompletionPath(request.Model, request.Stream), request, cancellationToken);

    public bool CanCountTokens => endpoints.CountTokensPath is not null;

    public Task<HttpResponseMessage> CountTokensAsync(UpstreamRequest request, CancellationToken cancellationToken) =>
        PostAsync(endpoints.CountTokensPath!(request.Model), request, cancellationToken);

    private Task<HttpResponseMessage> PostAsync(string path, UpstreamRequest call, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _baseUrl + path)
        {
            Content = call.BodyBytes is { } bytes ? new ReadOnlyMemoryContent(bytes) : new ByteArrayContent(JsonBytes.Serialize(call.Body)),
            Version = _version,
            VersionPolicy = _versionPolicy,
        };
        // Constant values go in as text, written as they are instead of parsed into header objects per call.
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        if (call.Stream) request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        if (call.Credential.Length > 0) endpoints.Authenticate(request.Headers, call.Credential);
        foreach (var name in endpoints.ForwardedClientHeaders ?? [])
            if (call.ClientHeaders.TryGetValue(name, out var value))
                request.Headers.TryAddWithoutValidation(name, value);
        if (call.AccountHeaders is { } accountHeaders)
            foreach (var (name, value) in accountHeaders)
                request.Headers.TryAddWithoutValidation(name, value);
        if (config.Headers.Count > 0)
            foreach (var (name, value) in config.Headers)
            {
                request.Headers.Remove(name);
                request.Headers.TryAddWithoutValidation(name, value);
            }
        return UpstreamClient.SendAsync(http, request, cancellationToken);
    }
}
