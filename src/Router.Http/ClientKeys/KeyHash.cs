using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Router.Http.ClientKeys;

/// <summary>SHA-256 of a key, computed without allocating for keys of ordinary length.</summary>
public static class KeyHash
{
    public const int Size = 32;
    private const int StackLimit = 512;

    public static byte[] Of(string key)
    {
        var hash = new byte[Size];
        Compute(key, hash);
        return hash;
    }

    public static string Hex(string key) => Convert.ToHexStringLower(Of(key));

    public static void Compute(ReadOnlySpan<char> key, Span<byte> hash)
    {
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = null;
        var bytes = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var written = Encoding.UTF8.GetBytes(key, bytes);
        SHA256.HashData(bytes[..written], hash);
        CryptographicOperations.ZeroMemory(bytes[..written]);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>The first 16 bytes of a hash: the lookup key; the whole hash is then compared in constant time.</summary>
    public static UInt128 Prefix(ReadOnlySpan<byte> hash) => BinaryPrimitives.ReadUInt128LittleEndian(hash);
}
