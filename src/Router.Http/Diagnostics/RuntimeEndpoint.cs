namespace Router.Http.Diagnostics;

/// <summary>GET /v0/management/runtime: the runtime figures behind idle memory and start-up (bench/Runner reads them). Management key; never a secret.</summary>
public static class RuntimeEndpoint
{
    public static void Map(WebApplication app) =>
        app.MapGet("/v0/management/runtime", async (HttpContext context, ManagementGuard guard) =>
        {
            if (!await guard.AdmitAsync(context)) return;
            await Endpoints.SignInAnswers.WriteAsync(context, 200, RuntimeFigures.Snapshot());
        });
}
