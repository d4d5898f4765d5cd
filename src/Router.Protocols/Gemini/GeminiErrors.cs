using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.Gemini;

/// <summary>Google's error shape: {"error":{"code","message","status"}}.</summary>
internal static class GeminiErrors
{
    public static ErrorInfo Decode(int status, string body) =>
        ErrorBodies.TryParseObject(body)?["error"] is JsonObject error ? Decode(status, error) : ErrorBodies.Fallback(status, body);

    public static ErrorInfo Decode(int status, JsonObject error)
    {
        // Google answers a bad API key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID: it is an authentication failure.
        var keyInvalid = error.ToJsonString().Contains("API_KEY_INVALID", StringComparison.Ordinal);
        var effective = keyInvalid ? 401 : status;
        return new ErrorInfo(effective, ErrorInfo.KindForStatus(effective), JsonRead.Shorten(JsonRead.Str(error, "message") ?? $"Upstream answered HTTP {status}."), JsonRead.Str(error, "status"));
    }

    public static JsonObject Encode(ErrorInfo error) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = error.Status,
            ["message"] = error.Message,
            ["status"] = error.Kind switch
            {
                ErrorKind.Authentication => "UNAUTHENTICATED",
                ErrorKind.PermissionDenied => "PERMISSION_DENIED",
                ErrorKind.NotFound => "NOT_FOUND",
                ErrorKind.RateLimited => "RESOURCE_EXHAUSTED",
                ErrorKind.Unavailable or ErrorKind.Upstream => "UNAVAILABLE",
                ErrorKind.Timeout => "DEADLINE_EXCEEDED",
                ErrorKind.Internal => "INTERNAL",
                _ => "INVALID_ARGUMENT",
            },
        },
    };
}
