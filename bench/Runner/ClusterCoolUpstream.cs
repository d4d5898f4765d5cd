using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bench;

/// <summary>
/// An upstream that answers every request with 429 and `Retry-After: 60` in OpenAI's error format, so the account
/// that called it starts a cooldown: the account-state change --cluster times across the nodes. Raw HTTP/1.1 on a
/// TcpListener inside the runner (one request per connection, `Connection: close`).
/// </summary>
sealed class ClusterCoolUpstream : IAsyncDisposable
{
    private static readonly byte[] Answer = Encoding.ASCII.GetBytes(Response());
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    public long Served;

    public ClusterCoolUpstream(int port)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    private static string Response()
    {
        const string body = "{\"error\":{\"message\":\"Rate limit reached (bench)\",\"type\":\"rate_limit_error\",\"code\":\"rate_limit_exceeded\"}}";
        return "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 60\r\n" +
               $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient c;
            try { c = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => Serve(c));
        }
    }

    private async Task Serve(TcpClient c)
    {
        using (c)
        {
            try
            {
                var s = c.GetStream();
                await ReadRequest(s);
                Interlocked.Increment(ref Served);
                await s.WriteAsync(Answer, _stop.Token);
            }
            catch (Exception) { /* the router hung up */ }
        }
    }

    /// <summary>Reads the head and a Content-Length body, so the answer never races the request.</summary>
    private async Task ReadRequest(NetworkStream s)
    {
        var buf = new byte[65536];
        var len = 0;
        int head;
        while ((head = buf.AsSpan(0, len).IndexOf("\r\n\r\n"u8)) < 0)
        {
            var n = await s.ReadAsync(buf.AsMemory(len), _stop.Token);
            if (n == 0) return;
            len += n;
        }
        var headers = Encoding.ASCII.GetString(buf, 0, head);
        var cl = headers.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("content-length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim())).FirstOrDefault();
        var rest = cl - (len - head - 4);
        while (rest > 0)
        {
            var n = await s.ReadAsync(buf, _stop.Token);
            if (n == 0) return;
            rest -= n;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
    }
}
