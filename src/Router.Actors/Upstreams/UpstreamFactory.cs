using Router.Actors.Configuration;
using Router.Protocols;

namespace Router.Actors.Upstreams;

/// <summary>The upstream for each provider type this build serves (the table in contract/config.md).</summary>
public static class UpstreamFactory
{
    public const string AnthropicVersion = "2023-06-01";

    /// <summary>Types that answer with no credential at all.</summary>
    public static bool NeedsNoKey(string type) => type is "echo" or "http-proxy";

    public static IUpstream? Create(ProviderConfig config, HttpClient http) => config.Type switch
    {
        "openai" or "http-proxy" => new HttpUpstream(config, http, WireFormats.OpenAiChat,
            (_, _) => "/chat/completions",
            (headers, key) => headers.Authorization = new("Bearer", key)),
        "anthropic" => new HttpUpstream(config, http, WireFormats.AnthropicMessages,
            (_, _) => "/v1/messages",
            (headers, key) =>
            {
                headers.TryAddWithoutValidation("x-api-key", key);
                headers.TryAddWithoutValidation("anthropic-version", AnthropicVersion);
            }),
        "echo" => new EchoUpstream(),
        _ => null,
    };
}
