using Router.Protocols;

namespace Router.Http.Errors;

/// <summary>
/// The wire format a caller speaks, told from the path alone, for answers written before (or
/// without) an endpoint: Anthropic under /v1/messages, Gemini under /v1beta and for the
/// models/{model}:{method} calls under /v1, OpenAI for everything else.
/// </summary>
public static class CallerFormat
{
    public static IWireFormat For(PathString path)
    {
        var value = path.Value ?? "";
        if (value.StartsWith("/v1/messages", StringComparison.OrdinalIgnoreCase)) return WireFormats.AnthropicMessages;
        if (value.StartsWith("/v1beta", StringComparison.OrdinalIgnoreCase)) return WireFormats.Gemini;
        if (value.StartsWith("/v1/models/", StringComparison.OrdinalIgnoreCase) && value.IndexOf(':', "/v1/models/".Length) > 0) return WireFormats.Gemini;
        return WireFormats.OpenAiChat;
    }
}
