using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Router.Actors.Accounts;
using Router.Protocols.Canonical;

namespace Router.Actors.Dispatch;

/// <summary>
/// Replaces every credential of the account a call was made with (the leased credential, the
/// account's headers, the provider's configured headers) by <see cref="Mask"/> in whatever the
/// upstream answered, before it can reach the client: some vendors echo the request's Authorization
/// header in an error body. Pure; used wherever an upstream body reaches the client.
/// </summary>
public sealed class CredentialMasker
{
    public const string Mask = "***";

    // Shorter values (e.g. "1", "true" in a header) would garble answers and protect nothing.
    private const int ShortestSecret = 4;

    private static readonly byte[] MaskBytes = Encoding.UTF8.GetBytes(Mask);
    private readonly string[] _secrets;
    private readonly byte[][] _secretBytes;

    public CredentialMasker(IEnumerable<string?> secrets)
    {
        // Longest first, so a secret that contains another is masked whole.
        _secrets = secrets.OfType<string>().Where(s => s.Length >= ShortestSecret).Distinct().OrderByDescending(s => s.Length).ToArray();
        _secretBytes = _secrets.Select(Encoding.UTF8.GetBytes).ToArray();
    }

    /// <summary>The credentials of a lease, its account headers, and the provider's configured header values.</summary>
    public static CredentialMasker For(Lease lease, IReadOnlyDictionary<string, string>? providerHeaders) =>
        new([lease.Credential, .. lease.AccountHeaders?.Values ?? [], .. providerHeaders?.Values ?? []]);

    public bool IsEmpty => _secrets.Length == 0;

    public string Apply(string text)
    {
        foreach (var secret in _secrets)
            if (text.Contains(secret, StringComparison.Ordinal))
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
        return text;
    }

    /// <summary>Masks bytes as bytes: a body cut anywhere (even inside a UTF-8 character) stays as it was elsewhere.</summary>
    public byte[] Apply(byte[] body)
    {
        foreach (var secret in _secretBytes)
            body = Replace(body, secret);
        return body;
    }

    public ErrorInfo Apply(ErrorInfo error) => error with
    {
        Message = Apply(error.Message),
        Code = error.Code is { } code ? Apply(code) : null,
        Param = error.Param is { } param ? Apply(param) : null,
    };

    /// <summary>
    /// Chunks masked as they pass. A secret may be split between two chunks, so a chunk's tail that
    /// could begin a secret waits for the next chunk (SSE chunks end with a blank line, so in practice
    /// nothing waits).
    /// </summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> Apply(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (IsEmpty)
        {
            await foreach (var chunk in chunks.WithCancellation(cancellationToken))
                yield return chunk;
            yield break;
        }
        byte[] carry = [];
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            if (carry.Length == 0 && !Contains(chunk.Span) && HeldBack(chunk.Span) == 0)
            {
                yield return chunk; // the usual case: nothing to mask, nothing to hold
                continue;
            }
            var masked = Apply([.. carry, .. chunk.Span]);
            var held = HeldBack(masked);
            carry = masked[^held..];
            if (masked.Length > held)
                yield return masked.AsMemory(0, masked.Length - held);
        }
        if (carry.Length > 0) yield return carry;
    }

    private static byte[] Replace(byte[] body, byte[] secret)
    {
        ReadOnlySpan<byte> rest = body;
        var at = rest.IndexOf(secret);
        if (at < 0) return body;
        var output = new ArrayBufferWriter<byte>(body.Length);
        do
        {
            output.Write(rest[..at]);
            output.Write(MaskBytes);
            rest = rest[(at + secret.Length)..];
        } while ((at = rest.IndexOf(secret)) >= 0);
        output.Write(rest);
        return output.WrittenSpan.ToArray();
    }

    private bool Contains(ReadOnlySpan<byte> body)
    {
        foreach (var secret in _secretBytes)
            if (body.IndexOf(secret) >= 0)
                return true;
        return false;
    }

    /// <summary>How many bytes at the end of <paramref name="body"/> are a proper prefix of a secret.</summary>
    private int HeldBack(ReadOnlySpan<byte> body)
    {
        var longest = 0;
        foreach (var secret in _secretBytes)
        {
            var tail = body[^Math.Min(secret.Length - 1, body.Length)..];
            for (var i = tail.IndexOf(secret[0]); i >= 0 && tail.Length - i > longest; i = Next(tail, i, secret[0]))
                if (secret.AsSpan().StartsWith(tail[i..]))
                {
                    longest = tail.Length - i;
                    break;
                }
        }
        return longest;
    }

    private static int Next(ReadOnlySpan<byte> tail, int after, byte first)
    {
        var next = tail[(after + 1)..].IndexOf(first);
        return next < 0 ? -1 : after + 1 + next;
    }
}
