using System.Net.Http.Headers;

namespace Router.Actors.Upstreams;

/// <summary>What several provider types share when they call upstream (each type builds its own upstream in Providers/Types).</summary>
public static class UpstreamFactory
{
    public const string AnthropicVersion = "2023-06-01";

    public static void Bearer(HttpRequestHeaders headers, string key) => headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
}
