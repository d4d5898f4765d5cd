using System.Text.Json.Nodes;
using Router.Actors.Providers;
using Router.Actors.Providers.Types;
using Router.Actors.SignIn;
using static Router.Http.Endpoints.SignInAnswers;

namespace Router.Http.Endpoints;

/// <summary>
/// LLMux sign-in (docs/http-api.md): /v1/auth/llmux/{claude|chatgpt}/login, /callback, /status and
/// DELETE. Login and status need the management key (or loopback); the callback is protected by its
/// single-use state. Answers never carry a token or a code.
/// </summary>
public static class LlmuxEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/v1/auth/llmux/{kind}/login", LoginAsync);
        app.MapGet("/v1/auth/llmux/{kind}/callback", CallbackAsync);
        app.MapGet("/v1/auth/llmux/{kind}/status", StatusAsync);
        app.MapDelete("/v1/auth/llmux/{kind}", SignOutAsync);
    }

    private static async Task LoginAsync(HttpContext context, string kind, ManagementGuard guard, AccountSignIn signIn, PendingSignIns pending)
    {
        if (!await guard.AdmitAsync(context)) return;
        if (await ProviderAsync(context, kind, signIn) is not { } provider) return;
        var (state, challenge) = await pending.StartAsync(provider.Name, context.RequestAborted);
        var url = provider.Definition.OAuth!.AuthorizeUrl(state, challenge);
        var opened = BrowserLauncher.TryOpen(url);
        await WriteAsync(context, 200, new JsonObject
        {
            ["url"] = url,
            ["provider"] = provider.Name,
            ["expires_in"] = (int)PendingSignIns.Lifetime.TotalSeconds,
            ["browser_opened"] = opened,
        });
    }

    private static async Task CallbackAsync(HttpContext context, string kind, AccountSignIn signIn, PendingSignIns pending, ILogger<AccountSignIn> log)
    {
        var query = context.Request.Query;
        if (query["error"].ToString() is { Length: > 0 } refused)
        {
            await FailAsync(context, 400, $"The sign-in was not completed: the vendor answered '{Short(refused)}'.");
            return;
        }
        var started = await pending.TakeAsync(query["state"].ToString(), context.RequestAborted);
        var catalog = await signIn.CatalogAsync(context.RequestAborted);
        if (started is null || catalog.Find(started.Provider) is not { } provider || provider.Definition.LlmuxKind != kind)
        {
            await FailAsync(context, 400, "Unknown, already used or expired sign-in state: start again from /login.");
            return;
        }
        if (query["code"].ToString() is not { Length: > 0 } code)
        {
            await FailAsync(context, 400, "The callback carries no authorization code.");
            return;
        }

        var result = await provider.Definition.OAuth!.ExchangeCodeAsync(code, started.Verifier, query["state"].ToString(), context.RequestAborted);
        if (result.Credential is not { Identity: { } email } credential)
        {
            log.LogWarning("Sign-in to {Provider} failed: {Reason}", provider.Name, result.Error);
            await FailAsync(context, 400, "The sign-in failed: " + result.Error);
            return;
        }
        var account = await signIn.SignInAsync(provider, email, credential, context.RequestAborted);
        log.LogInformation("Signed in {Account} to {Provider}", account.Name, provider.Name); // the label: logs never name an email
        var done = new JsonObject { ["status"] = "signed_in", ["provider"] = provider.Name, ["account"] = account.Name, ["email"] = email, ["expires_at"] = credential.ExpiresAt?.ToString("O") };
        if (WantsHtml(context))
            await WriteHtmlAsync(context, 200, $"Signed in as {email} to {provider.Name}. You can close this window.");
        else
            await WriteAsync(context, 200, done);
    }

    private static async Task StatusAsync(HttpContext context, string kind, ManagementGuard guard, AccountSignIn signIn)
    {
        if (!await guard.AdmitAsync(context)) return;
        var signedIn = await signIn.SignedInAsync(await ProvidersOfKindAsync(kind, signIn, context.RequestAborted), context.RequestAborted);
        var accounts = new JsonArray(signedIn.Select(x => (JsonNode)Describe(x.Provider.Name, "email", x.Account)).ToArray());
        await WriteAsync(context, 200, new JsonObject { ["kind"] = kind, ["accounts"] = accounts });
    }

    private static async Task SignOutAsync(HttpContext context, string kind, ManagementGuard guard, AccountSignIn signIn)
    {
        if (!await guard.AdmitAsync(context)) return;
        var email = context.Request.Query["email"].ToString();
        var count = await signIn.SignOutAsync(await ProvidersOfKindAsync(kind, signIn, context.RequestAborted),
            a => email.Length == 0 || string.Equals(a.Identity, email, StringComparison.OrdinalIgnoreCase), context.RequestAborted);
        await WriteAsync(context, 200, new JsonObject { ["signed_out"] = count });
    }

    private static Task<IReadOnlyList<ProviderHandle>> ProvidersOfKindAsync(string kind, AccountSignIn signIn, CancellationToken cancellationToken) =>
        signIn.ProvidersAsync(p => p.LlmuxKind == kind, cancellationToken);

    /// <summary>The provider a login is for: `?provider=NAME`, else the first enabled one of the kind.</summary>
    private static async Task<ProviderHandle?> ProviderAsync(HttpContext context, string kind, AccountSignIn signIn)
    {
        if (ProviderTypes.ForLlmuxKind(kind) is not { } type)
        {
            await FailAsync(context, 404, $"Unknown sign-in kind '{Short(kind)}': use {string.Join(" or ", ProviderTypes.LlmuxKinds)}.");
            return null;
        }
        var candidates = await ProvidersOfKindAsync(kind, signIn, context.RequestAborted);
        var wanted = context.Request.Query["provider"].ToString();
        var provider = wanted.Length > 0 ? candidates.FirstOrDefault(p => p.Name == wanted) : candidates.FirstOrDefault();
        if (provider is null)
            await FailAsync(context, 404, wanted.Length > 0
                ? $"No enabled {kind} sign-in provider is named '{Short(wanted)}'."
                : $"No enabled provider of type {type.Name} is configured.");
        return provider;
    }

    private static string Short(string value) => value.Length <= 60 ? value : value[..57] + "...";
}
