using System.Text.Json.Nodes;
using Router.Protocols;

namespace Router.Actors.Upstreams;

/// <summary>
/// How one provider type is called: its wire format and one HTTP exchange with a leased credential.
/// Answers with the upstream's response as soon as its headers arrive; the caller reads the body.
/// </summary>
public interface IUpstream
{
    IWireFormat Format { get; }

    Task<HttpResponseMessage> SendAsync(JsonObject body, string upstreamModel, bool stream, string credential, CancellationToken cancellationToken);
}
