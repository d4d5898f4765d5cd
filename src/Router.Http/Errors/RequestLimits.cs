using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Router.Protocols.Canonical;

namespace Router.Http.Errors;

/// <summary>
/// Limits on the request line, the headers and a stalled body. Kestrel answers a request over its
/// own header or URL limits with an empty body before any middleware runs, so Kestrel's limits are
/// set well above these and <see cref="ErrorAnswers"/> enforces these, answering 414/431 in the
/// caller's format. Only a request beyond Kestrel's raised limits still gets Kestrel's bodiless answer.
/// </summary>
public static class RequestLimits
{
    public const int MaxTargetBytes = 8 * 1024;
    public const int MaxHeaderBytes = 32 * 1024;
    public const int MaxHeaderCount = 100;
    private const int KestrelHeadroom = 4;

    /// <summary>A body that stalls is answered 408 after this grace (Kestrel's default waits 5 s).</summary>
    public static readonly TimeSpan BodyGrace = TimeSpan.FromSeconds(2);

    public static void Apply(KestrelServerLimits limits)
    {
        limits.MaxRequestLineSize = MaxTargetBytes * KestrelHeadroom;
        limits.MaxRequestHeadersTotalSize = MaxHeaderBytes * KestrelHeadroom;
        limits.MaxRequestHeaderCount = MaxHeaderCount * KestrelHeadroom;
        limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: BodyGrace);
    }

    /// <summary>The 414 or 431 a request earns, or null when it is within the limits.</summary>
    public static ErrorInfo? Violation(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (target.Length > MaxTargetBytes)
            return new ErrorInfo(StatusCodes.Status414UriTooLong, ErrorKind.InvalidRequest, $"The request URL is longer than {MaxTargetBytes} bytes.", "uri_too_long");
        var headers = context.Request.Headers;
        var size = 0L;
        foreach (var (name, values) in headers)
        {
            size += name.Length + 4;
            foreach (var value in values) size += value?.Length ?? 0;
        }
        return headers.Count > MaxHeaderCount || size > MaxHeaderBytes
            ? new ErrorInfo(StatusCodes.Status431RequestHeaderFieldsTooLarge, ErrorKind.InvalidRequest,
                $"The request headers exceed {MaxHeaderCount} fields or {MaxHeaderBytes} bytes.", "headers_too_large")
            : null;
    }
}
