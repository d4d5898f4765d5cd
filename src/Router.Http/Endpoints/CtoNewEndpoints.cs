using System.Text.Json.Nodes;
using Router.Actors.Accounts;
using Router.Actors.Providers;
using Router.Actors.Providers.Types;
using Router.Actors.SignIn;
using static Router.Http.Endpoints.SignInAnswers;

namespace Router.Http.Endpoints;

/// <summary>
/// ctonew sessions (docs/http-api.md): POST /v1/auth/ctonew {"clerk_jwt_cookie": "..."} stores one,
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
            await FailAsync(context, error!.Status, error.Message);
            return;
        }
        var (cookie, problem) = ClerkSession.Parse(body["clerk_jwt_cookie"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null);
        if (cookie is null)
        {
            await FailAsync(context, 400, problem!);
            return;
        }
        var wanted = body["provider"] is JsonValue p && p.TryGetValue<string>(out var name) ? name : null;
        var provider = (await ProvidersAsync(signIn, context.RequestAborted)).FirstOrDefault(x => wanted is null || x.Name == wanted);
        if (provider is null)
        {
            await FailAsync(context, 404, "No enabled provider of type ctonew is configured" + (wanted is null ? "." : $" under the name given."));
            return;
        }
        var session = ClerkSession.SessionKey(cookie);
        var account = await signIn.SignInAsync(provider, session, new Credential(cookie, Identity: session), context.RequestAborted);
        await WriteAsync(context, 200, new JsonObject { ["status"] = "stored", ["provider"] = provider.Name, ["account"] = account.Name, ["session"] = session });
    }

    private static async Task StatusAsync(HttpContext context, ManagementGuard guard, AccountSignIn signIn)
    {
        if (!await guard.AdmitAsync(context)) return;
        var signedIn = await signIn.SignedInAsync(await ProvidersAsync(signIn, context.RequestAborted), context.RequestAborted);
        var sessions = new JsonArray(signedIn.Select(x => (JsonNode)Describe(x.Provider.Name, "session", x.Account)).ToArray());
        await WriteAsync(context, 200, new JsonObject { ["session_present"] = sessions.Count > 0, ["sessions"] = sessions });
    }

    private static async Task SignOutAsync(HttpContext context, ManagementGuard guard, AccountSignIn signIn)
    {
        if (!await guard.AdmitAsync(context)) return;
        var session = context.Request.Query["session"].ToString();
        var count = await signIn.SignOutAsync(await ProvidersAsync(signIn, context.RequestAborted), a => session.Length == 0 || a.Identity == session, context.RequestAborted);
        await WriteAsync(context, 200, new JsonObject { ["signed_out"] = count });
    }

    private static Task<IReadOnlyList<ProviderHandle>> ProvidersAsync(AccountSignIn signIn, CancellationToken cancellationToken) =>
        signIn.ProvidersAsync(p => p.Type?.SignIn == SignInKind.CtoNew, cancellationToken);
}
