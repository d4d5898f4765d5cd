using System.Text.Json;
using System.Text.Json.Nodes;

namespace Router.Actors.Accounts;

/// <summary>
/// The mirror of a signed-in account's tokens on disk ({auth.dir}/llmux-{kind}-{email}.json): readable
/// by its owner only (0600), replaced atomically, so tools that read token files see a whole one.
/// </summary>
public static class TokenFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>A file name part made of an email: letters, digits and <c>@._+-</c>; anything else becomes '_'.</summary>
    public static string Sanitize(string identity) =>
        new(identity.Select(c => char.IsAsciiLetterOrDigit(c) || c is '@' or '.' or '_' or '+' or '-' ? c : '_').ToArray());

    public static void Write(string path, Credential credential)
    {
        var body = new JsonObject
        {
            ["email"] = credential.Identity,
            ["access_token"] = credential.AccessToken,
            ["refresh_token"] = credential.Secret,
            ["expires_at"] = credential.ExpiresAt?.ToString("O"),
            ["account_id"] = credential.AccountId,
        };
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        using (var stream = new FileStream(temporary, options))
            JsonSerializer.Serialize(stream, body, new JsonSerializerOptions { WriteIndented = true });
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, OwnerOnly);
        File.Move(temporary, path, overwrite: true);
    }

    public static void Delete(string path)
    {
        if (File.Exists(path)) File.Delete(path);
    }
}
