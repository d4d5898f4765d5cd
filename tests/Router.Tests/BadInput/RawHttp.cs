using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Router.Tests.BadInput;

/// <summary>One answer read off the wire: status, headers (lower-case names) and the body as text.</summary>
public sealed record RawAnswer(int Status, IReadOnlyDictionary<string, string> Headers, string Body, TimeSpan Took);

/// <summary>
/// HTTP/1.1 written byte by byte over a fresh loopback connection, for requests no client library
/// would send: junk header bytes, a lying Content-Length, an over-long URL.
/// </summary>
public static partial class RawHttp
{
    public static byte[] Request(string method, string target, IEnumerable<(string Name, string Value)> headers, byte[]? body = null, bool contentLength = true, bool close = true)
    {
        var head = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{(close ? "Connection: close\r\n" : "")}");
        foreach (var (name, value) in headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        if (body is not null && contentLength) head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        head.Append("\r\n");
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. body ?? []];
    }

    public static byte[] JsonPost(string target, byte[] body, bool close = true) => Request("POST", target, [("Content-Type", "application/json")], body, close: close);

    public static async Task<RawAnswer> SendAsync(int port, byte[] request, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        return await ExchangeAsync(client.GetStream(), request, cts.Token);
    }

    /// <summary>
    /// The requests one after the other on one kept-alive connection, each written only once the answer before it
    /// is read whole (so the server's read of the next one waits for it).
    /// </summary>
    public static async Task<List<RawAnswer>> SendInTurnAsync(int port, params byte[][] requests)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        var answers = new List<RawAnswer>();
        foreach (var request in requests)
            answers.Add(await ExchangeAsync(client.GetStream(), request, cts.Token));
        return answers;
    }

    private static async Task<RawAnswer> ExchangeAsync(NetworkStream stream, byte[] request, CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await stream.WriteAsync(request, cancellationToken);
        }
        catch (IOException)
        {
            // The server answered and closed before taking the whole request: read its answer.
        }
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            int read;
            try { read = await stream.ReadAsync(buffer, cancellationToken); }
            catch (IOException) { read = 0; }
            if (read == 0) break;
            received.Write(buffer, 0, read);
            if (Complete(received.GetBuffer().AsSpan(0, (int)received.Length))) break;
        }
        return Parse(received.ToArray(), watch.Elapsed);
    }

    // An answer with a Content-Length is complete once that many body bytes are in; else at close.
    private static bool Complete(ReadOnlySpan<byte> data)
    {
        var end = data.IndexOf("\r\n\r\n"u8);
        if (end < 0) return false;
        var length = ContentLength().Match(Encoding.Latin1.GetString(data[..end]));
        return length.Success && data.Length - end - 4 >= int.Parse(length.Groups[1].Value);
    }

    private static RawAnswer Parse(byte[] data, TimeSpan took)
    {
        var text = Encoding.UTF8.GetString(data);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) throw new InvalidDataException($"no complete answer: '{text}'");
        var lines = text[..end].Split("\r\n");
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First()[1].Trim());
        return new RawAnswer(int.Parse(lines[0].Split(' ')[1]), headers, text[(end + 4)..], took);
    }

    [GeneratedRegex(@"(?im)^content-length:\s*(\d+)\s*$")]
    private static partial Regex ContentLength();
}
