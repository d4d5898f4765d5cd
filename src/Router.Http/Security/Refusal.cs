using Router.Protocols.Canonical;

namespace Router.Http.Security;

/// <summary>The errors the security gates answer with, in the caller's own format.</summary>
internal static class Refusal
{
    public static Task MisdirectedAsync(HttpContext context) => WriteAsync(context, new ErrorInfo(421, ErrorKind.InvalidRequest,
        "This router does not answer to the Host name the request was sent to: add the name to server.allowed_hosts if it is yours.",
        "misdirected_request"));

    public static Task ForeignOriginAsync(HttpContext context) => WriteAsync(context, new ErrorInfo(403, ErrorKind.PermissionDenied,
        "Requests from this browser origin are refused: add the origin to server.cors_origins to allow it.",
        "origin_not_allowed"));

    public static Task NotJsonAsync(HttpContext context) => WriteAsync(context, new ErrorInfo(415, ErrorKind.InvalidRequest,
        "The request body must be JSON sent with 'Content-Type: application/json'.",
        "unsupported_media_type"));

    private static Task WriteAsync(HttpContext context, ErrorInfo error) =>
        FrontDoor.WriteErrorAsync(context, Errors.CallerFormat.For(context.Request), error);
}
