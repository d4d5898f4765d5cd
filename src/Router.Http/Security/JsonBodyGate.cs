using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Router.Http.Security;

/// <summary>
/// A request that changes state (POST, PUT, PATCH, DELETE) must send its body as
/// `application/json`, else 415. The types a page may send cross-site without a preflight
/// (text/plain, form posts, multipart) never reach an endpoint. A request without a body may omit
/// the type (a DELETE, `router restart`): a browser still adds `Origin` to those.
/// </summary>
public sealed class JsonBodyGate(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context) =>
        !ChangesState(context.Request.Method) || IsJsonOrEmpty(context) ? next(context) : Refusal.NotJsonAsync(context);

    private static bool ChangesState(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private static bool IsJsonOrEmpty(HttpContext context)
    {
        var contentType = context.Request.ContentType;
        if (string.IsNullOrEmpty(contentType))
            return context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false };
        return MediaTypeHeaderValue.TryParse(contentType, out var type)
            && type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }
}
