namespace Router.Protocols.Canonical;

/// <summary>The kind of failure, which each wire format maps to its own type names.</summary>
public enum ErrorKind
{
    InvalidRequest,      // 400
    Authentication,      // 401
    PermissionDenied,    // 403
    NotFound,            // 404
    RequestTooLarge,     // 413
    RateLimited,         // 429
    Upstream,            // 502
    Unavailable,         // 503
    Timeout,             // 504
    Internal,            // 500, never with details
}

/// <summary>An error as the router reports it to a client, in the client's format.</summary>
public sealed record ErrorInfo(int Status, ErrorKind Kind, string Message, string? Code = null, string? Param = null)
{
    public static ErrorInfo BadRequest(string message, string? param = null) => new(400, ErrorKind.InvalidRequest, message, Param: param);
    public static ErrorInfo Unauthorized(string message) => new(401, ErrorKind.Authentication, message, "invalid_api_key");
    public static ErrorInfo ModelNotFound(string model) => new(404, ErrorKind.NotFound, $"The model '{model}' does not exist or is not routed by this router.", "model_not_found", "model");
    public static ErrorInfo TooLarge(long limit) => new(413, ErrorKind.RequestTooLarge, $"Request body exceeds the limit of {limit} bytes.", "request_too_large");
    public static ErrorInfo RateLimited(string message) => new(429, ErrorKind.RateLimited, message, "rate_limit_exceeded");
    public static ErrorInfo BadGateway(string message) => new(502, ErrorKind.Upstream, message, "upstream_error");
    public static ErrorInfo Unavailable(string message) => new(503, ErrorKind.Unavailable, message, "unavailable");
    public static ErrorInfo GatewayTimeout(string message) => new(504, ErrorKind.Timeout, message, "upstream_timeout");

    public static ErrorKind KindForStatus(int status) => status switch
    {
        400 or 422 => ErrorKind.InvalidRequest,
        401 => ErrorKind.Authentication,
        403 => ErrorKind.PermissionDenied,
        404 => ErrorKind.NotFound,
        413 => ErrorKind.RequestTooLarge,
        429 => ErrorKind.RateLimited,
        503 or 529 => ErrorKind.Unavailable,
        504 => ErrorKind.Timeout,
        >= 500 => ErrorKind.Upstream,
        _ => ErrorKind.InvalidRequest,
    };
}

/// <summary>A request a format cannot decode: bad JSON, a missing field, a wrong type. Maps to 400.</summary>
public sealed class ProtocolException(string message, string? param = null) : Exception(message)
{
    public string? Param { get; } = param;
    public ErrorInfo ToError() => ErrorInfo.BadRequest(Message, Param);
}
