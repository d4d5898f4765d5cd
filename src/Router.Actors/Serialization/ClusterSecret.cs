using System.Security.Cryptography;
using System.Text;
using Router.Persistence;

namespace Router.Actors.Serialization;

/// <summary>
/// Seals the secrets a message carries between nodes (a lease's key or token, a credential being
/// stored) with AES-256-GCM under a key derived (HKDF-SHA256) from cluster.secret, which every node
/// of a cluster shares. A sealed value is <c>gcm:v1:</c> + base64(nonce | tag | ciphertext); a value
/// sealed under another secret fails its tag check and is refused (CryptographicException).
/// </summary>
public sealed class ClusterSecret : ISecretSealing
{
    public const string Prefix = "gcm:v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Salt = "router.cluster"u8.ToArray();
    private static readonly byte[] Info = "credentials.v1"u8.ToArray();

    private readonly byte[]? _key;

    private ClusterSecret(byte[]? key) => _key = key;

    /// <summary>No secret configured (a cluster of one never sends a message to another node).</summary>
    public static readonly ClusterSecret None = new(null);

    public static ClusterSecret From(string secret) => string.IsNullOrEmpty(secret)
        ? None
        : new(HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, Salt, Info));

    public string Seal(string plain)
    {
        var key = Key();
        var clear = Encoding.UTF8.GetBytes(plain);
        var sealedBytes = new byte[NonceSize + TagSize + clear.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, clear, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize));
        return Prefix + Convert.ToBase64String(sealedBytes);
    }

    /// <exception cref="CryptographicException">Sealed under another cluster.secret, or not sealed at all.</exception>
    public string Unseal(string sealedValue)
    {
        var key = Key();
        if (!sealedValue.StartsWith(Prefix, StringComparison.Ordinal))
            throw new CryptographicException("a secret arrived from another node unsealed");
        var bytes = Convert.FromBase64String(sealedValue[Prefix.Length..]);
        if (bytes.Length < NonceSize + TagSize) throw new CryptographicException("a sealed secret is truncated");
        var clear = new byte[bytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(bytes.AsSpan(0, NonceSize), bytes.AsSpan(NonceSize + TagSize), bytes.AsSpan(NonceSize, TagSize), clear);
        return Encoding.UTF8.GetString(clear);
    }

    private byte[] Key() => _key ?? throw new InvalidOperationException(
        "cluster.secret is not set: a credential cannot be sent to another node (set cluster.secret on every node)");
}
