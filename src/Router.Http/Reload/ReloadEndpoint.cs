using Router.Http.Endpoints;

namespace Router.Http.Reload;

/// <summary>POST /v0/management/reload: reload the config file; 200 with what changed, 422 when the file is invalid (nothing changed).</summary>
public static class ReloadEndpoint
{
    public static void Map(WebApplication app) =>
        app.MapPost("/v0/management/reload", async (HttpContext context, ManagementGuard guard, ConfigReloader reloader) =>
        {
            if (!await guard.AdmitAsync(context)) return;
            var result = await reloader.ReloadAsync("POST /v0/management/reload", context.RequestAborted);
            await SignInAnswers.WriteAsync(context, result.Applied ? 200 : 422, result.ToJson());
        });
}
