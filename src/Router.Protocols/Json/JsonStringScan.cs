using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Router.Protocols.Json;

/// <summary>
/// A JSON string literal checked and unescaped a run at a time. Text embedded in JSON (an SSE body inside a relay
/// message) is mostly escaped quotes, one every few bytes; Utf8JsonReader checks and unescapes such a string a byte at a
/// time, this finds the next quote, backslash or control byte with one vectorized search and copies the run before it whole.
/// </summary>
public static class JsonStringScan
{
    private static readonly SearchValues<byte> QuoteBackslashOrControl =
        SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    /// <summary>
    /// Checks the string literal whose opening quote is at <paramref name="json"/>[<paramref name="start"/>]. True with
    /// <paramref name="end"/> just past its closing quote and whether it holds an escape; false when it is not a JSON
    /// string (no opening or closing quote, a raw control byte, an unknown escape, a short \u, text that is not UTF-8).
    /// </summary>
    public static bool TryScan(ReadOnlySpan<byte> json, int start, out int end, out bool escaped)
    {
        end = -1;
        escaped = false;
        if (start >= json.Length || json[start] != '"') return false;
        var i = start + 1;
        while (true)
        {
            var next = json[i..].IndexOfAny(QuoteBackslashOrControl);
            if (next < 0) return false;
            i += next;
            if (json[i] == '"') break;
            if (json[i] != '\\' || i + 1 >= json.Length) return false;
            escaped = true;
            switch (json[i + 1])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                    i += 2;
                    break;
                case (byte)'u' when i + 6 <= json.Length && Hex4(json.Slice(i + 2, 4)) >= 0:
                    i += 6;
                    break;
                default:
                    return false;
            }
        }
        if (!Utf8.IsValid(json[(start + 1)..i])) return false;
        end = i + 1;
        return true;
    }

    /// <summary>
    /// Unescapes the content of a string <see cref="TryScan"/> accepted (between its quotes) into
    /// <paramref name="destination"/>, which must be at least as long: the bytes written, or -1 when an escape names half
    /// of a surrogate pair alone (no text, as the tree reader finds too).
    /// </summary>
    public static int Unescape(ReadOnlySpan<byte> content, Span<byte> destination)
    {
        var written = 0;
        while (true)
        {
            var backslash = content.IndexOf((byte)'\\');
            if (backslash < 0)
            {
                content.CopyTo(destination[written..]);
                return written + content.Length;
            }
            content[..backslash].CopyTo(destination[written..]);
            written += backslash;
            var kind = content[backslash + 1];
            if (kind != 'u')
            {
                destination[written++] = kind switch
                {
                    (byte)'b' => (byte)'\b',
                    (byte)'f' => (byte)'\f',
                    (byte)'n' => (byte)'\n',
                    (byte)'r' => (byte)'\r',
                    (byte)'t' => (byte)'\t',
                    _ => kind, // " \ /
                };
                content = content[(backslash + 2)..];
                continue;
            }
            var unit = (char)Hex4(content.Slice(backslash + 2, 4));
            var used = 6;
            Rune rune;
            if (char.IsHighSurrogate(unit))
            {
                var rest = content[(backslash + 6)..];
                var low = rest.Length >= 6 && rest[0] == '\\' && rest[1] == 'u' ? Hex4(rest.Slice(2, 4)) : -1;
                if (low is < 0xDC00 or > 0xDFFF) return -1;
                rune = new Rune(unit, (char)low);
                used = 12;
            }
            else if (!Rune.TryCreate(unit, out rune))
                return -1; // a low surrogate alone
            written += rune.EncodeToUtf8(destination[written..]);
            content = content[(backslash + used)..];
        }
    }

    /// <summary>The content of a checked string as UTF-8 bytes (unescaped when <paramref name="escaped"/>); empty when it is no text.</summary>
    public static ReadOnlyMemory<byte> ToBytes(ReadOnlySpan<byte> content, bool escaped)
    {
        if (!escaped) return content.ToArray();
        var bytes = new byte[content.Length];
        return Unescape(content, bytes) is >= 0 and var length ? bytes.AsMemory(0, length) : ReadOnlyMemory<byte>.Empty;
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

    private static int Hex4(ReadOnlySpan<byte> hex)
    {
        var value = 0;
        foreach (var b in hex)
        {
            var digit = HexDigit(b);
            if (digit < 0) return -1;
            value = value * 16 + digit;
        }
        return value;
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
