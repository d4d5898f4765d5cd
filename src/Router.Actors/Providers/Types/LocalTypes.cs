using Router.Actors.Upstreams;

namespace Router.Actors.Providers.Types;

/// <summary>Types that need no vendor account: a local side service and the built-in echo.</summary>
public static class LocalTypes
{
    /// <summary>An OpenAI-compatible service at base_url, usually a side process the router supervises; a key is optional.</summary>
    public static readonly ProviderType HttpProxy = new()
    {
        Name = "http-proxy",
        NeedsKey = false,
        Upstream = ApiKeyTypes.OpenAiChat,
    };

    /// <summary>Answers `echo: &lt;last user text&gt;` locally, for smoke tests.</summary>
    public static readonly ProviderType Echo = new()
    {
        Name = "echo",
        NeedsBaseUrl = false,
        NeedsKey = false,
        Upstream = (_, _) => new EchoUpstream(),
    };
}
