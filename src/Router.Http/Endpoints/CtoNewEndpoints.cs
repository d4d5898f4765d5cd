using System.Text.Json.Nodes;
using Router.Actors.Accounts;
using Router.Actors.Providers;
using Router.Actors.SignIn;

namespace Router.Http.Endpoints;

/// <summary>
/// ctonew sessions (contract/http.md): POST /v1/auth/ctonew {"clerk_jwt_cookie": "..."} stores one,
/// GET /v1/auth/ctonew/status shows them (no secrets), DELETE /v1/auth/ctonew removes them
/// (all, or `?session=`). Every route needs the management key (or loopback).
/// </summary>
public static class CtoNewEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/v1/auth/ctonew", StoreAsync);
        app.MapGet("/v1/auth/ctonew/status", StatusAsync);
        app.MapDelete("/v1/auth/ctonew", SignOutAsync);
    }

    private static async Task StoreAsync(HttpContext context, ManagementGuard guard, FrontDoor door, AccountSignIn signIn)
    {
        if (!await guard.AdmitAsync(context)) return;
        var (body, error) = await door.ReadJsonAsync(context);
        if (body is null)
        {
            await LlmuxEndpoints.FailAsync(context, error!.Status, error.Message);
            return;
        }
        var (cookie, problem) = ClerkSession.Parse(body["clerk_jwt_cookie"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null);
        if (cookie is null)
        {
            await LlmuxEndpoints.FailAsync(context, 400, problem!);
            return;
        }
        var wanted = body["provider"] is JsonValue p && p.TryGetValue<string>(out var name) ? name : null;
        var provider = (await ProvidersAsync(signIn, context.RequestAborted)).FirstOrDefault(x => wanted is null || x.Name == wanted);
        if (provider is null)
        {
            await LlmuxEndpoints.FailAsync(context, 404, "No enabled provider of type ctonew is configured" + (wanted is null ? "." : $" under the name given."));
            return;
        }
        var session = ClerkSession.SessionKey(cookie);
        await signIn.SignInAsync(provider, session, new Credential(cookie, Identity: session), context.RequestAborted);
        await LlmuxEndpoints.WriteAsync(context, 200, new JsonObject { ["status"] = "stored", ["provider"] = provider.Name, ["session"] = session });
    }

    private static async Task StatusAsync(HttpContext context, ManagementGuard guard, AccountSignIn signIn)
    {
        if (!await guard.AdmitAsync(context)) return;
        var sessions = new JsonArray();
        foreach (var provider in await ProvidersAsync(signIn, context.RequestAborted))
            foreach (var account in await signIn.AccountsAsync(provider, context.RequestAborted))
                if (account.Identity is not null)
                    sessions.Add(LlmuxEndpoints.Describe(provider.Name, "session", account));
        await LlmuxEndpoints.WriteAsync(context, 200, new JsonObject { ["session_present"] = sessions.Count > 0, ["sessions"] = sessions });
    }

    private static async Task SignOutAsync(HttpContext context, ManagementGuard guard, AccountSignIn signIn)
    {
        if (!await guard.AdmitAsync(context)) return;
        var session = context.Request.Query["session"].ToString();
        var count = 0;
        foreach (var provider in await ProvidersAsync(signIn, context.RequestAborted))
            count += await signIn.SignOutAsync(provider, a => session.Length == 0 || a.Identity == session, context.RequestAborted);
        await LlmuxEndpoints.WriteAsync(context, 200, new JsonObject { ["signed_out"] = count });
    }

    private static async Task<IReadOnlyList<ProviderHandle>> ProvidersAsync(AccountSignIn signIn, CancellationToken cancellationToken) =>
        (await signIn.CatalogAsync(cancellationToken)).All.Where(p => p.Definition.Config.Type == "ctonew" && p.DisabledReason is null).ToList();
}
