using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Router.Persistence;

/// <summary>
/// Encrypts the secrets the router keeps at rest (refresh and access tokens, session cookies) with
/// ASP.NET Core Data Protection. The key ring lives in {auth.dir}/keys (directory 0700, key files
/// 0600); a sealed value is the text <c>enc:v1:</c> followed by the Data Protection payload
/// (base64url, authenticated encryption: AES-256-CBC + HMACSHA256 by default, keys rolled every 90 days).
/// </summary>
public sealed class SecretSealer : ISecretSealing
{
    public const string Prefix = "enc:v1:";
    public const string Purpose = "Router.Credentials.v1";
    public const string KeysDirectoryName = "keys";
    // Fixed, so payloads stay readable when the router's binaries move (the default is the install path).
    private const string ApplicationName = "Router";

    private static readonly ConcurrentDictionary<string, SecretSealer> ByAuthDirectory = new();

    // The key ring is read (or its first key made) when something is first sealed or unsealed: a router whose
    // accounts are all API keys never loads it, and one that has tokens pays for it off the start-up path.
    // A key ring that could not be opened (say a full disk at its first key) is tried again at the next use.
    private readonly Lock _opening = new();
    private IDataProtector? _protector;

    public string KeysDirectory { get; }

    private SecretSealer(string authDir)
    {
        KeysDirectory = Path.Combine(Path.GetFullPath(authDir), KeysDirectoryName);
    }

    private IDataProtector Protector
    {
        get
        {
            if (Volatile.Read(ref _protector) is { } open) return open;
            lock (_opening)
            {
                if (_protector is null) Volatile.Write(ref _protector, OpenKeyRing(KeysDirectory));
                return _protector;
            }
        }
    }

    /// <summary>The sealer of one auth dir, shared by everything in the process that writes there.</summary>
    public static SecretSealer ForAuthDirectory(string authDir) =>
        ByAuthDirectory.GetOrAdd(Path.GetFullPath(authDir), dir => new SecretSealer(dir));

    /// <summary>A new sealer with the key ring read from disk now (tests use it to prove the keys there decrypt).</summary>
    public static SecretSealer Open(string authDir)
    {
        var sealer = new SecretSealer(authDir);
        _ = sealer.Protector;
        return sealer;
    }

    private static IDataProtector OpenKeyRing(string keys)
    {
        OwnerOnlyFiles.EnsureDirectory(keys);
        var provider = DataProtectionProvider.Create(new DirectoryInfo(keys), builder => builder.SetApplicationName(ApplicationName));
        var protector = provider.CreateProtector(Purpose);
        // Creates the first key now, so its file can be restricted before anything is sealed with it.
        protector.Protect([0]);
        OwnerOnlyFiles.Restrict(keys, "*.xml");
        return protector;
    }

    public static bool IsSealed(string? value) => value is not null && value.StartsWith(Prefix, StringComparison.Ordinal);

    public string Seal(string plain) => Prefix + Protector.Protect(plain);

    public string? SealOrNull(string? plain) => plain is null ? null : Seal(plain);

    /// <summary>The clear text of a sealed value; a value written before sealing existed is returned as it is.</summary>
    /// <exception cref="CryptographicException">The value was sealed with a key ring this router does not have.</exception>
    public string Unseal(string sealedOrPlain) =>
        IsSealed(sealedOrPlain) ? Protector.Unprotect(sealedOrPlain[Prefix.Length..]) : sealedOrPlain;

    public string? UnsealOrNull(string? sealedOrPlain) => sealedOrPlain is null ? null : Unseal(sealedOrPlain);
}
