using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.Anthropic;

/// <summary>Anthropic's error shape: {"type":"error","error":{"type","message"}}.</summary>
internal static class AnthropicErrors
{
    public static ErrorInfo Decode(int status, string body) =>
        ErrorBodies.TryParseObject(body) is { } obj && obj["error"] is JsonObject ? Decode(status, obj) : ErrorBodies.Fallback(status, body);

    public static ErrorInfo Decode(int status, JsonObject body)
    {
        var error = body["error"] as JsonObject;
        var type = JsonRead.Str(error, "type");
        var effectiveStatus = status == 500 ? type switch
        {
            "overloaded_error" => 529,
            "rate_limit_error" => 429,
            "invalid_request_error" => 400,
            _ => status,
        } : status;
        return new ErrorInfo(effectiveStatus, ErrorInfo.KindForStatus(effectiveStatus), JsonRead.Shorten(JsonRead.Str(error, "message") ?? $"Upstream answered HTTP {status}."), type);
    }

    public static JsonObject Encode(ErrorInfo error) => new()
    {
        ["type"] = "error",
        ["error"] = new JsonObject
        {
            ["type"] = error.Kind switch
            {
                ErrorKind.Authentication => "authentication_error",
                ErrorKind.PermissionDenied => "permission_error",
                ErrorKind.NotFound => "not_found_error",
                ErrorKind.RequestTooLarge => "request_too_large",
                ErrorKind.RateLimited => "rate_limit_error",
                ErrorKind.Unavailable => "overloaded_error",
                ErrorKind.Timeout => "timeout_error",
                ErrorKind.Upstream or ErrorKind.Internal => "api_error",
                _ => "invalid_request_error",
            },
            ["message"] = error.Message,
        },
    };
}
