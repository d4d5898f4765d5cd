using Router.Actors.Upstreams;

namespace Router.Actors.Providers.Types;

/// <summary>
/// aistudio: Gemini API calls relayed over the WebSocket relay (websocket.path) to browser workers
/// (docs/aistudio.md). Each connected worker is one account; with none connected the provider is down.
/// </summary>
public static class AiStudioType
{
    public static readonly ProviderType Type = new()
    {
        Name = "aistudio",
        Blocks = ["target_url", "login_url", "browser", "model_suffix", "worker"],
        DefaultBaseUrl = "https://generativelanguage.googleapis.com",
        NeedsKey = false,
        SignIn = SignInKind.AiStudioRelay,
        NeedsBrowser = true,
        Endpoints = ["/v1/ws", "/v1/auth/aistudio/login", "/v1/auth/aistudio/status", "/v1/auth/aistudio"],
        RelayUpstream = (config, hub) => new RelayUpstream(config, hub, ApiKeyTypes.GeminiEndpoints),
    };
}
