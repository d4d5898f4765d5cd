using Router.Protocols;

namespace Router.Http.Security;

/// <summary>How much the browser-origin rule cares about a path.</summary>
public enum OriginPolicy
{
    /// <summary>Management, sign-in, the relay and any path not listed: a foreign origin is always refused.</summary>
    Always,
    /// <summary>Inference and model lists: a foreign origin is refused while no client key is configured.</summary>
    WithoutClientKeys,
    /// <summary>Health (no secrets, unreadable cross-origin without CORS) and the OAuth callback (a top-level redirect from the vendor, protected by its single-use state).</summary>
    Never,
}

/// <summary>Sorts a request path into the groups the browser rules treat alike, and picks the caller's error format.</summary>
public static class RequestSurface
{
    private static readonly PathString[] InferencePaths =
        ["/v1/chat/completions", "/v1/responses", "/v1/messages", "/v1beta", "/v1/models"];

    public static OriginPolicy OriginPolicyFor(PathString path)
    {
        if (path.StartsWithSegments("/v1/health") || IsOAuthCallback(path)) return OriginPolicy.Never;
        return InferencePaths.Any(p => path.StartsWithSegments(p)) ? OriginPolicy.WithoutClientKeys : OriginPolicy.Always;
    }

    private static bool IsOAuthCallback(PathString path) =>
        path.StartsWithSegments("/v1/auth/llmux", out var rest)
        && rest.Value is { } tail
        && tail.Count(c => c == '/') == 2
        && tail.EndsWith("/callback", StringComparison.OrdinalIgnoreCase);
}
