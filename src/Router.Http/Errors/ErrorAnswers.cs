using Microsoft.AspNetCore.Diagnostics;
using Router.Protocols.Canonical;

namespace Router.Http.Errors;

/// <summary>
/// Every error the router answers carries a JSON body in the caller's format, including those that
/// routing or the server produce without one (404, 405, 408, 413, 414, 431, a malformed body's 400):
/// a client SDK then shows the reason instead of "Unknown error". Registered first in the pipeline.
/// </summary>
public sealed class ErrorAnswers(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (RequestLimits.Violation(context) is { } refused)
        {
            await FrontDoor.WriteErrorAsync(context, CallerFormat.For(context.Request), refused);
            return;
        }
        await next(context);
        var response = context.Response;
        if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null or 0 && string.IsNullOrEmpty(response.ContentType))
            await FrontDoor.WriteErrorAsync(context, CallerFormat.For(context.Request), ForStatus(context, response.StatusCode));
    }

    /// <summary>
    /// The last resort for an exception: a request Kestrel found malformed mid-read gets its own
    /// status (no stack trace in the log), anything else a 500 with no detail.
    /// </summary>
    public static ExceptionHandlerOptions ExceptionOptions() => new()
    {
        ExceptionHandler = WriteExceptionAsync,
        StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
    };

    private static Task WriteExceptionAsync(HttpContext context)
    {
        var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var format = CallerFormat.For(context.Request);
        if (failure is BadHttpRequestException bad)
            return FrontDoor.WriteErrorAsync(context, format, ForStatus(context, bad.StatusCode));
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Router")
            .LogError("Unexpected failure on {Path}: {Type}{Where}", context.Request.Path, failure?.GetType().Name, Where(failure));
        return FrontDoor.WriteErrorAsync(context, format, new ErrorInfo(500, ErrorKind.Internal, "The router failed to handle the request."));
    }

    /// <summary>Where the failure happened: its stack frames only (method names, never the message, which could carry a value).</summary>
    private static string Where(Exception? failure) =>
        failure?.StackTrace is { Length: > 0 } frames ? "\n" + frames : "";

    private static ErrorInfo ForStatus(HttpContext context, int status)
    {
        var request = context.Request;
        var message = status switch
        {
            400 => "The request is malformed.",
            404 => $"Nothing answers {request.Method} {Shown(request.Path)}.",
            405 => $"{Shown(request.Path)} does not accept {request.Method}.",
            408 => "The request did not arrive in time.",
            413 => "The request body is too large.",
            414 => "The request URL is too long.",
            431 => "The request headers are too large.",
            _ => $"The request was refused (HTTP {status}).",
        };
        return new ErrorInfo(status, ErrorInfo.KindForStatus(status), message);
    }

    private static string Shown(PathString path) => path.Value is { Length: > 200 } text ? text[..200] + "…" : path.Value ?? "/";
}
