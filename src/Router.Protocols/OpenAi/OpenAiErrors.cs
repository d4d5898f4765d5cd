using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.OpenAi;

/// <summary>OpenAI's error shape: {"error":{"message","type","param","code"}}.</summary>
internal static class OpenAiErrors
{
    public static ErrorInfo Decode(int status, string body) =>
        ErrorBodies.TryParseObject(body)?["error"] is JsonObject error ? Decode(status, error) : ErrorBodies.Fallback(status, body);

    public static ErrorInfo Decode(int status, JsonObject error) => new(
        status, ErrorInfo.KindForStatus(status), JsonRead.Shorten(JsonRead.Str(error, "message") ?? $"Upstream answered HTTP {status}."),
        JsonRead.Str(error, "code"), JsonRead.Str(error, "param"));

    public static JsonObject Encode(ErrorInfo error) => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = error.Message,
            ["type"] = error.Kind switch
            {
                ErrorKind.Authentication => "authentication_error",
                ErrorKind.PermissionDenied => "permission_error",
                ErrorKind.RateLimited => "rate_limit_error",
                ErrorKind.Timeout => "timeout_error",
                ErrorKind.Upstream or ErrorKind.Unavailable or ErrorKind.Internal => "api_error",
                _ => "invalid_request_error",
            },
            ["param"] = error.Param,
            ["code"] = error.Code,
        },
    };
}
