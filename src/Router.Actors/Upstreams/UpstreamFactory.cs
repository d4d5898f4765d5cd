using System.Net.Http.Headers;
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
        "openai" or "http-proxy" => new HttpUpstream(config, http, WireFormats.OpenAiChat, new((_, _) => "/chat/completions", Bearer)),
        "openai-responses" => new HttpUpstream(config, http, WireFormats.OpenAiResponses, new((_, _) => "/responses", Bearer)),
        "anthropic" => Anthropic(config, http, (headers, key) => headers.TryAddWithoutValidation("x-api-key", key)),
        "claude-oauth" => Anthropic(config, http, Bearer),
        "chatgpt-oauth" => new HttpUpstream(config, http, WireFormats.OpenAiResponses, new((_, _) => "/responses", Bearer)),
        "ctonew" => new CtoNewUpstream(config, http),
        "gemini" => new HttpUpstream(config, http, WireFormats.Gemini, new(
            (model, stream) => stream ? $"/v1beta/models/{model}:streamGenerateContent?alt=sse" : $"/v1beta/models/{model}:generateContent",
            (headers, key) => headers.TryAddWithoutValidation("x-goog-api-key", key),
            model => $"/v1beta/models/{model}:countTokens")),
        "echo" => new EchoUpstream(),
        _ => null,
    };

    /// <summary>Anthropic Messages, with an API key (x-api-key) or an OAuth token (bearer).</summary>
    private static HttpUpstream Anthropic(ProviderConfig config, HttpClient http, Action<HttpRequestHeaders, string> credential) =>
        new(config, http, WireFormats.AnthropicMessages, new(
            (_, _) => "/v1/messages",
            (headers, key) =>
            {
                credential(headers, key);
                headers.TryAddWithoutValidation("anthropic-version", AnthropicVersion);
            },
            _ => "/v1/messages/count_tokens",
            ["anthropic-beta"]));

    public static void Bearer(HttpRequestHeaders headers, string key) => headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
}
