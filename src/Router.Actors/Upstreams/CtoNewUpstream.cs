using Router.Actors.Configuration;
using Router.Protocols;

namespace Router.Actors.Upstreams;

/// <summary>
/// EngineLabs (ctonew): one provider, two formats. The `ctonew-` prefix is dropped; Claude models go
/// to {base_url}/v1/claude/messages in Anthropic Messages format, every other model to
/// {base_url}/v1/chat/completions in OpenAI Chat format; both with the session's JWT as bearer.
/// </summary>
public sealed class CtoNewUpstream(ProviderConfig config, HttpClient http) : IUpstream
{
    public const string Prefix = "ctonew-";

    private readonly HttpUpstream _claude = new(config, http, WireFormats.AnthropicMessages, new(
        (_, _) => "/v1/claude/messages",
        (headers, jwt) =>
        {
            UpstreamFactory.Bearer(headers, jwt);
            headers.TryAddWithoutValidation("anthropic-version", UpstreamFactory.AnthropicVersion);
        }));

    private readonly HttpUpstream _openAi = new(config, http, WireFormats.OpenAiChat, new((_, _) => "/v1/chat/completions", UpstreamFactory.Bearer));

    public IWireFormat Format => WireFormats.OpenAiChat;

    public UpstreamTarget For(string model)
    {
        var upstreamModel = model.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? model[Prefix.Length..] : model;
        return new(upstreamModel.StartsWith("claude", StringComparison.OrdinalIgnoreCase) ? _claude : _openAi, upstreamModel);
    }

    public Task<HttpResponseMessage> SendAsync(UpstreamRequest request, CancellationToken cancellationToken) =>
        For(request.Model).Upstream.SendAsync(request, cancellationToken);
}
