using System.Text;

namespace Router.Tests.BadInput;

/// <summary>One generated request: where it goes, its bytes on the wire, and how it was spoiled.</summary>
public sealed record BadRequest(string Path, string Mutation, byte[] Wire);

/// <summary>
/// Valid requests of every inbound format, spoiled in the ways clients and attackers spoil them:
/// truncation, wrong types, duplicate keys, invalid UTF-8, huge numbers, deep nesting, oversize
/// fields, bad Content-Type / Content-Length, junk header bytes, flipped bytes. Deterministic for a seed.
/// </summary>
public sealed class BadRequests(int seed, int maxBodyBytes)
{
    private readonly Random _random = new(seed);
    private static readonly string[] Paths = [.. EchoRouter.ValidBodies.Keys];

    private static readonly string[] WrongValues = ["\"hot\"", "[]", "{}", "true", "null", "-1", "\"\"", "[1,{\"a\":null}]"];
    private static readonly string[] HugeNumbers = ["1e999", "-1e999", "1E+400", "123456789012345678901234567890123456789", "1e-999", "0.000000000000000000000000000001"];
    private static readonly string[] ContentTypes = ["text/plain", "application/json; charset=latin1", "application/x-www-form-urlencoded", "}{", "application/json;;;", ""];

    public BadRequest Next(int index)
    {
        var path = Paths[index % Paths.Length];
        var body = EchoRouter.ValidBodies[path];
        var kind = _random.Next(12);
        return kind switch
        {
            0 => Post(path, "valid", Bytes(body)),
            1 => Post(path, "truncated", Bytes(body)[.._random.Next(body.Length)]),
            2 => Post(path, "wrong type", Bytes(ReplaceValue(body, Pick(WrongValues)))),
            3 => Post(path, "duplicate key", Bytes(DuplicateKey(body))),
            4 => Post(path, "invalid utf-8", InvalidUtf8(Bytes(body))),
            5 => Post(path, "huge number", Bytes(body.Replace("0.5", Pick(HugeNumbers)))),
            6 => Post(path, "deep nesting", Bytes(body.Replace("0.5", Nested(_random.Next(60, 400))))),
            7 => Post(path, "oversize field", Bytes(body.Replace("\"hi\"", "\"" + new string('w', _random.Next(2) == 0 ? maxBodyBytes + 10 : 50_000) + "\""))),
            8 => Wire(path, "bad content-type", [("Content-Type", Pick(ContentTypes))], Bytes(body)),
            9 => BadContentLength(path, Bytes(body)),
            10 => JunkHeader(path, Bytes(body)),
            _ => Post(path, "flipped bytes", Flip(Bytes(body))),
        };
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private string Pick(string[] options) => options[_random.Next(options.Length)];

    private static BadRequest Post(string path, string mutation, byte[] body) => new(path, mutation, RawHttp.JsonPost(path, body));

    private static BadRequest Wire(string path, string mutation, (string, string)[] headers, byte[] body) =>
        new(path, mutation, RawHttp.Request("POST", path, headers, body));

    // A value after a random ':' replaced (strings, numbers, arrays alike), keeping the rest intact.
    private string ReplaceValue(string body, string value)
    {
        var colons = Enumerable.Range(0, body.Length).Where(i => body[i] == ':').ToArray();
        var at = colons[_random.Next(colons.Length)] + 1;
        var end = at;
        var depth = 0;
        var inString = false;
        for (; end < body.Length; end++)
        {
            var c = body[end];
            if (inString) { if (c == '\\') end++; else if (c == '"') inString = false; continue; }
            if (c == '"') inString = true;
            else if (c is '[' or '{') depth++;
            else if (c is ']' or '}') { if (depth == 0) break; depth--; }
            else if (c == ',' && depth == 0) break;
        }
        return body[..at] + value + body[end..];
    }

    private string DuplicateKey(string body)
    {
        var keys = new[] { "\"model\":", "\"temperature\":", "\"messages\":", "\"contents\":", "\"input\":", "\"role\":", "\"max_tokens\":" }
            .Where(body.Contains).ToArray();
        var key = keys[_random.Next(keys.Length)];
        var at = body.IndexOf(key, StringComparison.Ordinal);
        return body[..at] + key + "1," + body[at..];
    }

    private byte[] InvalidUtf8(byte[] body)
    {
        var at = Encoding.UTF8.GetString(body).IndexOf("hi", StringComparison.Ordinal);
        byte[][] junk = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]];
        return [.. body[..at], .. junk[_random.Next(junk.Length)], .. body[at..]];
    }

    private string Nested(int depth) => _random.Next(2) == 0
        ? new string('[', depth) + new string(']', depth)
        : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    private BadRequest BadContentLength(string path, byte[] body)
    {
        var (label, value) = _random.Next(5) switch
        {
            0 => ("non-numeric content-length", "twelve"),
            1 => ("negative content-length", "-5"),
            2 => ("short content-length", Math.Max(0, body.Length - 10).ToString()),
            3 => ("two content-lengths", $"{body.Length}, {body.Length + 1}"),
            _ => _random.Next(40) == 0 ? ("long content-length", (body.Length + 50).ToString()) : ("huge content-length", "99999999999999999999"),
        };
        return new(path, label, RawHttp.Request("POST", path, [("Content-Type", "application/json"), ("Content-Length", value)], body, contentLength: false));
    }

    private BadRequest JunkHeader(string path, byte[] body)
    {
        var (name, value) = _random.Next(4) switch
        {
            0 => ("X-Junk", "a\u0001b"),
            1 => ("X-Junk", "caf\u00e9\u00ff"),
            2 => ("X J\u007Funk", "1"),
            _ => ("X-Junk", new string('v', _random.Next(100, 20_000))),
        };
        return Wire(path, "junk header", [("Content-Type", "application/json"), (name, value)], body);
    }

    private byte[] Flip(byte[] body)
    {
        var copy = body.ToArray();
        for (var i = _random.Next(1, 4); i > 0; i--) copy[_random.Next(copy.Length)] = (byte)_random.Next(256);
        return copy;
    }
}
