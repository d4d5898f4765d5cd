namespace Router.Actors.Providers.Types;

/// <summary>
/// aistudio: Gemini requests relayed over the /v1/ws WebSocket to browser workers. Registered so configs
/// that name it load; this build does not serve it yet (its providers show `disabled`).
/// </summary>
public static class AiStudioType
{
    public static readonly ProviderType Type = new()
    {
        Name = "aistudio",
        Blocks = ["target_url", "login_url", "browser"],
        NeedsBaseUrl = false,
        NeedsKey = false,
        SignIn = SignInKind.AiStudioRelay,
        NeedsBrowser = true,
        Endpoints = ["/v1/ws", "/v1/auth/aistudio/login", "/v1/auth/aistudio/status", "/v1/auth/aistudio"],
    };
}
