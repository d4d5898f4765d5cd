using System.Net.Http.Headers;
using Router.Actors.Configuration;
using Router.Actors.Upstreams;
using Router.Protocols;

namespace Router.Actors.Providers.Types;

/// <summary>Vendor APIs reached with API keys; each key in api_keys is one account.</summary>
public static class ApiKeyTypes
{
    public static readonly ProviderType OpenAi = new()
    {
        Name = "openai",
        DefaultBaseUrl = "https://api.openai.com/v1",
        Upstream = OpenAiChat,
    };

    public static readonly ProviderType OpenAiResponses = new()
    {
        Name = "openai-responses",
        DefaultBaseUrl = "https://api.openai.com/v1",
        Upstream = Responses,
    };

    public static readonly ProviderType Anthropic = new()
    {
        Name = "anthropic",
        DefaultBaseUrl = "https://api.anthropic.com",
        Upstream = (config, http) => AnthropicMessages(config, http, (headers, key) => headers.TryAddWithoutValidation("x-api-key", key)),
    };

    /// <summary>The Gemini API's calls, with the key in x-goog-api-key (AI Studio's relay sends the same calls without it).</summary>
    internal static readonly UpstreamEndpoints GeminiEndpoints = new(
        (model, stream) => stream ? $"/v1beta/models/{model}:streamGenerateContent?alt=sse" : $"/v1beta/models/{model}:generateContent",
        (headers, key) => headers.TryAddWithoutValidation("x-goog-api-key", key),
        model => $"/v1beta/models/{model}:countTokens");

    public static readonly ProviderType Gemini = new()
    {
        Name = "gemini",
        DefaultBaseUrl = "https://generativelanguage.googleapis.com",
        Upstream = (config, http) => new HttpUpstream(config, http, WireFormats.Gemini, GeminiEndpoints),
    };

    /// <summary>OpenAI Chat Completions at {base_url}/chat/completions with a bearer credential.</summary>
    internal static IUpstream OpenAiChat(ProviderConfig config, HttpClient http) =>
        new HttpUpstream(config, http, WireFormats.OpenAiChat, new((_, _) => "/chat/completions", UpstreamFactory.Bearer));

    /// <summary>OpenAI Responses at {base_url}/responses with a bearer credential.</summary>
    internal static IUpstream Responses(ProviderConfig config, HttpClient http) =>
        new HttpUpstream(config, http, WireFormats.OpenAiResponses, new((_, _) => "/responses", UpstreamFactory.Bearer));

    /// <summary>Anthropic Messages, with an API key (x-api-key) or an OAuth token (bearer).</summary>
    internal static IUpstream AnthropicMessages(ProviderConfig config, HttpClient http, Action<HttpRequestHeaders, string> credential) =>
        new HttpUpstream(config, http, WireFormats.AnthropicMessages, new(
            (_, _) => "/v1/messages",
            (headers, key) =>
            {
                credential(headers, key);
                headers.TryAddWithoutValidation("anthropic-version", UpstreamFactory.AnthropicVersion);
            },
            _ => "/v1/messages/count_tokens",
            ["anthropic-beta"]));
}
