using System.Text.Json.Nodes;
using Router.Protocols;

namespace Router.Actors.Upstreams;

/// <summary>One call to an upstream: the body in its format, the model for the URL, the leased credential.</summary>
/// <param name="AccountHeaders">Headers the leased account adds (e.g. ChatGPT's account id).</param>
public sealed record UpstreamRequest(JsonObject Body, string Model, bool Stream, string Credential, IReadOnlyDictionary<string, string> ClientHeaders,
    IReadOnlyDictionary<string, string>? AccountHeaders = null)
{
    /// <summary>The body as it goes upstream when it was not written from <see cref="Body"/> (a same-format client's own bytes).</summary>
    public ReadOnlyMemory<byte>? BodyBytes { get; init; }

    // The credential must never reach a log line through a record's generated ToString.
    public override string ToString() => $"UpstreamRequest {{ Model = {Model}, Stream = {Stream} }}";
}

/// <summary>
/// How one provider type is called: its wire format and one HTTP exchange with a leased credential.
/// Answers with the upstream's response as soon as its headers arrive; the caller reads the body.
/// </summary>
public interface IUpstream
{
    IWireFormat Format { get; }

    /// <summary>The upstream and model name a model is really sent to: the same for most types; a type
    /// that serves several formats behind one provider (ctonew) picks one per model here.</summary>
    UpstreamTarget For(string model) => new(this, model);

    Task<HttpResponseMessage> SendAsync(UpstreamRequest request, CancellationToken cancellationToken);

    /// <summary>True when the type has its own token count endpoint.</summary>
    bool CanCountTokens => false;

    /// <summary>Calls the upstream's own token count endpoint (only when CanCountTokens).</summary>
    Task<HttpResponseMessage> CountTokensAsync(UpstreamRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this upstream has no token count endpoint");
}

/// <summary>Where one model of a provider goes: the upstream that speaks its format, and the name it knows the model by.</summary>
public sealed record UpstreamTarget(IUpstream Upstream, string Model);
