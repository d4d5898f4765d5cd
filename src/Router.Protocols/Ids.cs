namespace Router.Protocols;

/// <summary>
/// Random hex ids for message, response and lease ids: unique enough to tell answers apart, never
/// secrets. Drawn from Random.Shared, which costs no system call (Guid.NewGuid reads the kernel's
/// random source on every call, a measurable cost once per request).
/// </summary>
public static class Ids
{
    /// <summary><paramref name="length"/> lowercase hex digits (at most 64).</summary>
    public static string Hex(int length)
    {
        Span<byte> bytes = stackalloc byte[32];
        Random.Shared.NextBytes(bytes[..((length + 1) / 2)]);
        return Convert.ToHexStringLower(bytes[..((length + 1) / 2)])[..length];
    }
}
