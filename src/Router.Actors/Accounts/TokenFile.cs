using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Persistence;

namespace Router.Actors.Accounts;

/// <summary>
/// The mirror of a signed-in account's tokens on disk ({auth.dir}/llmux-{kind}-{email}.json): readable
/// by its owner only (0600), replaced atomically, so tools that read token files see a whole one.
/// Identity and expiry are plain JSON; <c>access_token</c> and <c>refresh_token</c> are sealed
/// (<c>enc:v1:...</c>) with the key ring in {auth.dir}/keys, as in the journal. Files written by
/// earlier versions, with the tokens in clear, still read.
/// </summary>
public static class TokenFile
{
    /// <summary>A file name part made of an email: letters, digits and <c>@._+-</c>; anything else becomes '_'.</summary>
    public static string Sanitize(string identity) =>
        new(identity.Select(c => char.IsAsciiLetterOrDigit(c) || c is '@' or '.' or '_' or '+' or '-' ? c : '_').ToArray());

    public static void Write(string path, Credential credential)
    {
        var sealer = SealerFor(path);
        var body = new JsonObject
        {
            ["email"] = credential.Identity,
            ["access_token"] = sealer.SealOrNull(credential.AccessToken),
            ["refresh_token"] = sealer.Seal(credential.Secret),
            ["expires_at"] = credential.ExpiresAt?.ToString("O"),
            ["account_id"] = credential.AccountId,
            ["sealed_with"] = $"ASP.NET Core Data Protection, purpose {SecretSealer.Purpose}, keys in {SecretSealer.KeysDirectoryName}/",
        };
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFiles.FileMode;
        using (var stream = new FileStream(temporary, options))
            JsonSerializer.Serialize(stream, body, new JsonSerializerOptions { WriteIndented = true });
        OwnerOnlyFiles.RestrictFile(temporary);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The credential a token file holds, sealed or (from an earlier version) in clear.</summary>
    public static Credential Read(string path)
    {
        var body = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new JsonException($"{path} is not a JSON object");
        var sealer = SealerFor(path);
        string? Text(string name) => body[name]?.GetValue<string>();
        return new Credential(
            sealer.Unseal(Text("refresh_token") ?? throw new JsonException($"{path} has no refresh_token")),
            sealer.UnsealOrNull(Text("access_token")),
            Text("expires_at") is { } expires ? DateTimeOffset.Parse(expires, System.Globalization.CultureInfo.InvariantCulture) : null,
            Identity: Text("email"),
            AccountId: Text("account_id"));
    }

    public static void Delete(string path)
    {
        if (File.Exists(path)) File.Delete(path);
    }

    // Token files live in the auth dir, beside the key ring that seals them.
    private static SecretSealer SealerFor(string path) => SecretSealer.ForAuthDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
}
