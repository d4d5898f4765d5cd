using System.Buffers;
using System.Buffers.Text;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;

namespace Router.Protocols.Json;

/// <summary>
/// A JSON string literal checked and unescaped a run at a time. Text embedded in JSON (an SSE body inside a relay
/// message) is mostly escaped quotes, one every few bytes; Utf8JsonReader checks and unescapes such a string a byte at a
/// time, this copies sixteen bytes at a time up to the next quote, backslash or control byte.
/// </summary>
public static class JsonStringScan
{
    private static readonly SearchValues<byte> QuoteBackslashOrControl =
        SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    /// <summary>
    /// A string literal without escapes whose opening quote is at <paramref name="json"/>[<paramref name="start"/>]
    /// (a field's name, an id): its <paramref name="content"/> and <paramref name="end"/> just past its closing quote;
    /// false when it holds an escape or a control byte, has no closing quote, or is not UTF-8.
    /// </summary>
    public static bool TryPlain(ReadOnlySpan<byte> json, int start, out ReadOnlySpan<byte> content, out int end)
    {
        content = default;
        end = -1;
        if (start >= json.Length || json[start] != '"') return false;
        var length = json[(start + 1)..].IndexOfAny(QuoteBackslashOrControl);
        if (length < 0 || json[start + 1 + length] != '"' || !Utf8.IsValid(json.Slice(start + 1, length))) return false;
        content = json.Slice(start + 1, length);
        end = start + length + 2;
        return true;
    }

    /// <summary>
    /// Reads the string literal whose opening quote is at <paramref name="json"/>[<paramref name="start"/>] and writes
    /// its text, unescaped, into <paramref name="destination"/> (at least as long as the rest of <paramref name="json"/>),
    /// in one pass: sixteen bytes are copied at a time up to the next quote, backslash or control byte. True with
    /// <paramref name="end"/> just past its closing quote and the bytes <paramref name="written"/>, which are -1 when an
    /// escape names half of a surrogate pair alone (no text, as System.Text.Json finds too); false when it is not a JSON
    /// string (no opening or closing quote, a raw control byte, an unknown escape, a short \u, text that is not UTF-8).
    /// </summary>
    public static bool TryUnescape(ReadOnlySpan<byte> json, int start, Span<byte> destination, out int end, out int written)
    {
        end = written = -1;
        if (start >= json.Length || json[start] != '"' || destination.Length < json.Length - start) return false;
        ref var source = ref MemoryMarshal.GetReference(json);
        ref var target = ref MemoryMarshal.GetReference(destination);
        var i = start + 1;
        var w = 0;
        var noText = false;
        while (true)
        {
            if (i + Vector128<byte>.Count <= json.Length)
            {
                var block = Vector128.LoadUnsafe(ref source, (nuint)i);
                // Written whole; the bytes from the first stop on are written over or left past the end.
                block.StoreUnsafe(ref target, (nuint)w);
                var stops = (Vector128.Equals(block, Quote) | Vector128.Equals(block, Backslash) | Vector128.LessThan(block, Space))
                    .ExtractMostSignificantBits();
                if (stops == 0)
                {
                    i += Vector128<byte>.Count;
                    w += Vector128<byte>.Count;
                    continue;
                }
                var run = BitOperations.TrailingZeroCount(stops);
                i += run;
                w += run;
            }
            else
            {
                while (i < json.Length && json[i] >= 0x20 && json[i] != '"' && json[i] != '\\') destination[w++] = json[i++];
                if (i >= json.Length) return false;
            }
            if (json[i] == '"') break;
            if (json[i] != '\\' || i + 1 >= json.Length) return false;
            switch (json[i + 1])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/':
                    destination[w++] = json[i + 1];
                    break;
                case (byte)'n': destination[w++] = (byte)'\n'; break;
                case (byte)'r': destination[w++] = (byte)'\r'; break;
                case (byte)'t': destination[w++] = (byte)'\t'; break;
                case (byte)'b': destination[w++] = (byte)'\b'; break;
                case (byte)'f': destination[w++] = (byte)'\f'; break;
                case (byte)'u':
                    if (!TryEscapedRune(json[i..], out var rune, out var used)) return false;
                    if (rune is { } text) w += text.EncodeToUtf8(destination[w..]);
                    else noText = true;
                    i += used;
                    continue;
                default:
                    return false;
            }
            i += 2;
        }
        // Escapes write whole UTF-8 sequences, so the text is UTF-8 exactly when every run copied as it was is.
        if (!Utf8.IsValid(destination[..w])) return false;
        end = i + 1;
        written = noText ? -1 : w;
        return true;
    }

    private static readonly Vector128<byte> Quote = Vector128.Create((byte)'"'), Backslash = Vector128.Create((byte)'\\'),
        Space = Vector128.Create((byte)' ');

    /// <summary>A \uXXXX escape at the start of <paramref name="escape"/>, with the low half that must follow a high one: false
    /// when it is not four hex digits; a null rune for half of a pair alone.</summary>
    private static bool TryEscapedRune(ReadOnlySpan<byte> escape, out Rune? rune, out int used)
    {
        rune = null;
        used = 6;
        if (escape.Length < 6 || Hex4(escape.Slice(2, 4)) is not (>= 0 and var unit)) return false;
        if (char.IsHighSurrogate((char)unit))
        {
            var low = escape.Length >= 12 && escape[6] == '\\' && escape[7] == 'u' ? Hex4(escape.Slice(8, 4)) : -1;
            if (low is >= 0xDC00 and <= 0xDFFF)
            {
                rune = new Rune((char)unit, (char)low);
                used = 12;
            }
            return true;
        }
        if (Rune.TryCreate((char)unit, out var single)) rune = single;
        return true;
    }

    /// <summary>
    /// <paramref name="utf8"/> (valid UTF-8) as a JSON string literal, quotes included: a quote, a backslash and the
    /// control bytes escaped, every other byte as it is (the literal is read by a JSON parser, never put into HTML).
    /// </summary>
    public static byte[] Literal(ReadOnlySpan<byte> utf8)
    {
        var length = utf8.Length + 2;
        for (var rest = utf8; rest.IndexOfAny(QuoteBackslashOrControl) is >= 0 and var at; rest = rest[(at + 1)..])
            length += EscapeOf(rest[at]).Length - 1;
        var literal = new byte[length];
        literal[0] = literal[^1] = (byte)'"';
        var written = 1;
        for (var rest = utf8; ; )
        {
            var at = rest.IndexOfAny(QuoteBackslashOrControl);
            var run = at < 0 ? rest : rest[..at];
            run.CopyTo(literal.AsSpan(written));
            written += run.Length;
            if (at < 0) return literal;
            var escape = EscapeOf(rest[at]);
            escape.CopyTo(literal.AsSpan(written));
            written += escape.Length;
            rest = rest[(at + 1)..];
        }
    }

    private static ReadOnlySpan<byte> EscapeOf(byte b) => b switch
    {
        (byte)'"' => "\\\""u8,
        (byte)'\\' => "\\\\"u8,
        (byte)'\n' => "\\n"u8,
        (byte)'\r' => "\\r"u8,
        (byte)'\t' => "\\t"u8,
        (byte)'\b' => "\\b"u8,
        (byte)'\f' => "\\f"u8,
        _ => ControlEscapes.AsSpan(b * 6, 6),
    };

    // \u0000 to \u001f, six bytes each.
    private static readonly byte[] ControlEscapes = [.. Enumerable.Range(0, 0x20).SelectMany(c => Encoding.ASCII.GetBytes($"\\u{c:x4}"))];

    /// <summary>Four hex digits as their value; -1 when they are not.</summary>
    private static int Hex4(ReadOnlySpan<byte> hex) =>
        Utf8Parser.TryParse(hex, out ushort value, out var used, 'X') && used == 4 ? value : -1;
}
