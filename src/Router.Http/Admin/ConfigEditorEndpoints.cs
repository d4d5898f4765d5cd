using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Http.Endpoints;
using Router.Http.Reload;

namespace Router.Http.Admin;

/// <summary>
/// The config file as the admin page edits it (management key):
/// GET /v0/management/config → {path, text, secrets} with every secret masked (<see cref="ConfigSecrets"/>);
/// POST /v0/management/config/validate {text} → {valid, error} (error: FILE:LINE: key.path: what is wrong);
/// POST /v0/management/config {text} → validates, writes the file (the old one kept as FILE.bak) and
/// reloads it; an invalid text changes nothing (422 with the error).
/// The text sent back may keep the <c>&lt;secret:N&gt;</c> placeholders: they are put back from the file.
/// </summary>
public static class ConfigEditorEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/v0/management/config", ShowAsync);
        app.MapPost("/v0/management/config/validate", ValidateAsync);
        app.MapPost("/v0/management/config", ApplyAsync);
    }

    private static async Task ShowAsync(HttpContext context, ManagementGuard guard, RouterConfig config)
    {
        if (!await guard.AdmitAsync(context)) return;
        if (await FileOf(context, config) is not { } path) return;
        var (text, count) = ConfigSecrets.Mask(await File.ReadAllTextAsync(path, context.RequestAborted));
        await SignInAnswers.WriteAsync(context, 200, new JsonObject { ["path"] = path, ["text"] = text, ["secrets"] = count });
    }

    private static async Task ValidateAsync(HttpContext context, ManagementGuard guard, FrontDoor door, RouterConfig config)
    {
        if (!await guard.AdmitAsync(context)) return;
        if (await EditOf(context, door, config) is not { } edit) return;
        await SignInAnswers.WriteAsync(context, 200, new JsonObject { ["valid"] = edit.Error is null, ["error"] = edit.Error });
    }

    private static async Task ApplyAsync(HttpContext context, ManagementGuard guard, FrontDoor door, RouterConfig config, ConfigReloader reloader)
    {
        if (!await guard.AdmitAsync(context)) return;
        if (await EditOf(context, door, config) is not { } edit) return;
        if (edit.Error is not null)
        {
            await SignInAnswers.WriteAsync(context, 422, new JsonObject { ["applied"] = false, ["error"] = edit.Error });
            return;
        }
        File.Copy(edit.Path, edit.Path + ".bak", overwrite: true);
        var temporary = edit.Path + ".new";
        await File.WriteAllTextAsync(temporary, edit.Text, context.RequestAborted);
        File.Move(temporary, edit.Path, overwrite: true);
        var reload = await reloader.ReloadAsync("admin page", context.RequestAborted);
        await SignInAnswers.WriteAsync(context, reload.Applied ? 200 : 422, reload.ToJson());
    }

    /// <summary>An edited text with its secrets put back, and why it is not a valid config (null when it is).</summary>
    private sealed record Edit(string Path, string Text, string? Error);

    private static async Task<Edit?> EditOf(HttpContext context, FrontDoor door, RouterConfig config)
    {
        if (await FileOf(context, config) is not { } path) return null;
        var (body, error) = await door.ReadJsonAsync(context);
        if (body is null || body["text"] is not JsonValue value || !value.TryGetValue<string>(out var edited))
        {
            await SignInAnswers.FailAsync(context, error?.Status ?? 400, error?.Message ?? "Send {\"text\": \"...the config file...\"}.");
            return null;
        }
        string text;
        try
        {
            text = ConfigSecrets.Restore(edited, await File.ReadAllTextAsync(path, context.RequestAborted));
        }
        catch (FormatException e)
        {
            return new Edit(path, edited, $"{path}: {e.Message}");
        }
        try
        {
            ConfigLoader.LoadText(text, path, Path.GetDirectoryName(path)!);
            return new Edit(path, text, null);
        }
        catch (ConfigException e)
        {
            return new Edit(path, text, e.Message);
        }
    }

    private static async Task<string?> FileOf(HttpContext context, RouterConfig config)
    {
        if (config.SourcePath is { } path && File.Exists(path)) return path;
        await SignInAnswers.FailAsync(context, 409, "This router was not started from a config file, so there is none to show or change.");
        return null;
    }
}
