using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Protocols;

namespace Router.Actors.Upstreams;

/// <summary>
/// An upstream reached over HTTP: POSTs the body to the endpoint the provider type names
/// (contract/config.md), with the credential in the header that type uses and the configured extra headers.
/// </summary>
public sealed class HttpUpstream(
    ProviderConfig config,
    HttpClient http,
    IWireFormat format,
    Func<string, bool, string> endpointPath,
    Action<HttpRequestHeaders, string> authenticate) : IUpstream
{
    private readonly string _baseUrl = config.BaseUrl.TrimEnd('/');

    public IWireFormat Format => format;

    public Task<HttpResponseMessage> SendAsync(JsonObject body, string upstreamModel, bool stream, string credential, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _baseUrl + endpointPath(upstreamModel, stream))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (stream) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (credential.Length > 0) authenticate(request.Headers, credential);
        foreach (var (name, value) in config.Headers)
            request.Headers.TryAddWithoutValidation(name, value);
        return http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
