using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Router.Protocols.Json;

/// <summary>Reads JSON held in a string with a span reader: the string's UTF-8 goes to a stack buffer when it is short
/// and a pooled one otherwise; text that is not JSON makes the read false.</summary>
internal static class Utf8Reading
{
    public delegate bool SpanReader<T>(ReadOnlySpan<byte> utf8, out T value);

    private const int StackLimit = 2048;

    public static bool TryRead<T>(string text, SpanReader<T> read, out T value)
    {
        value = default!;
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        Span<byte> buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            return read(buffer[..Encoding.UTF8.GetBytes(text, buffer)], out value);
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
