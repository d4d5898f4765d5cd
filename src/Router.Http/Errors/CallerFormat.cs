using Router.Protocols;

namespace Router.Http.Errors;

/// <summary>
/// The wire format a caller speaks, told from the path alone, for answers written before (or
/// without) an endpoint: Anthropic under /v1/messages, Gemini under /v1beta and for the
/// models/{model}:{method} calls under /v1, Anthropic for a model list asked with `anthropic-version`,
/// OpenAI for everything else.
/// </summary>
public static class CallerFormat
{
    public static IWireFormat For(HttpRequest request) => For(request.Path, request.Headers.ContainsKey("anthropic-version"));

    public static IWireFormat For(PathString path, bool anthropicVersion = false)
    {
        var value = path.Value ?? "";
        if (value.StartsWith("/v1/messages", StringComparison.OrdinalIgnoreCase)) return WireFormats.AnthropicMessages;
        if (value.StartsWith("/v1beta", StringComparison.OrdinalIgnoreCase)) return WireFormats.Gemini;
        if (value.StartsWith("/v1/models/", StringComparison.OrdinalIgnoreCase) && value.IndexOf(':', "/v1/models/".Length) > 0) return WireFormats.Gemini;
        if (anthropicVersion && path.StartsWithSegments("/v1/models")) return WireFormats.AnthropicMessages;
        return WireFormats.OpenAiChat;
    }
}
