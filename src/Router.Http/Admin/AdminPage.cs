using System.Collections.Frozen;
using System.Reflection;

namespace Router.Http.Admin;

/// <summary>
/// GET /admin: the admin page, plain static files carried inside the router (Admin/wwwroot). The
/// files hold no data: the page signs in with the management key, which it keeps in the tab's
/// session storage and sends as X-Management-Key to the management API, so the page obeys the same
/// host and origin rules as every management call. A strict content security policy (own scripts
/// only, no framing) keeps other pages and injected markup out.
/// </summary>
public static class AdminPage
{
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, byte[]> Files = LoadFiles();

    /// <summary>/admin and /admin/ are the page; /admin/NAME one of its files.</summary>
    public static void Map(WebApplication app) => app.MapGet("/admin/{file?}", ServeAsync);

    private static async Task ServeAsync(HttpContext context, string? file)
    {
        var name = string.IsNullOrEmpty(file) ? "index.html" : file;
        if (!Files.TryGetValue(name, out var content))
        {
            context.Response.StatusCode = 404;
            return;
        }
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        context.Response.ContentType = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
        await context.Response.Body.WriteAsync(content, context.RequestAborted);
    }

    private static FrozenDictionary<string, byte[]> LoadFiles()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("admin/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[resource["admin/".Length..]] = copy.ToArray();
        }
        return files.ToFrozenDictionary();
    }
}
