using System.Text;
using Router.Http.Endpoints;

namespace Router.Http.Admin;

/// <summary>
/// GET /v0/management/requests/tail (management key): the request log as newline-delimited JSON,
/// the last lines first, then each request as it finishes, until the caller hangs up or the router
/// stops. The lines are the request log's own: model, provider, account label, status, latency,
/// tokens — never a key or a body.
/// </summary>
public static class RequestTailEndpoint
{
    public static void Map(WebApplication app) => app.MapGet("/v0/management/requests/tail", TailAsync);

    private static async Task TailAsync(HttpContext context, ManagementGuard guard, RequestFeed feed, IHostApplicationLifetime lifetime)
    {
        if (!await guard.AdmitAsync(context)) return;
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-ndjson; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.StartAsync(ends.Token);
        try
        {
            await foreach (var line in feed.WatchAsync(ends.Token))
            {
                await context.Response.WriteAsync(line + "\n", Encoding.UTF8, ends.Token);
                await context.Response.Body.FlushAsync(ends.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The caller hung up or the router is stopping: the tail simply ends.
        }
    }
}
