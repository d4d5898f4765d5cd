using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Actors.Accounts;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Http.Endpoints;

/// <summary>
/// How the sign-in and management endpoints answer: JSON, errors in OpenAI's shape, and a short
/// HTML page for a browser (the OAuth callback is opened by one). Accounts are shown without secrets.
/// </summary>
public static class SignInAnswers
{
    /// <summary>An account as status endpoints show it: identity, expiry, health — never a token.</summary>
    public static JsonObject Describe(string provider, string identityName, AccountSnapshot account) => new()
    {
        ["provider"] = provider,
        ["account"] = account.Name,
        [identityName] = account.Identity,
        ["expires_at"] = account.TokenExpiresAt?.ToString("O"),
        ["health"] = account.Health.ToString().ToLowerInvariant(),
        ["reason"] = account.HealthReason,
        ["cooldown_until"] = account.CooldownUntil?.ToString("O"),
        ["requests"] = account.Counters.Requests,
    };

    public static Task FailAsync(HttpContext context, int status, string message) =>
        WantsHtml(context)
            ? WriteHtmlAsync(context, status, message)
            : FrontDoor.WriteErrorAsync(context, WireFormats.OpenAiChat, new ErrorInfo(status, ErrorInfo.KindForStatus(status), message));

    public static Task WriteAsync(HttpContext context, int status, JsonObject body) =>
        FrontDoor.WriteJsonAsync(context, status, JsonSerializer.SerializeToUtf8Bytes(body));

    public static bool WantsHtml(HttpContext context) => context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    public static async Task WriteHtmlAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync($"<!doctype html><title>Router sign-in</title><p>{System.Net.WebUtility.HtmlEncode(message)}</p>", context.RequestAborted);
    }
}
