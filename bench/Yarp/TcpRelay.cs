using System.Net;
using System.Net.Sockets;

/// <summary>The machine's floor for any proxy: a byte relay with no HTTP at all. Every accepted connection gets one
/// connection to the upstream and two threads, each copying one direction with blocking receive and send (a socket
/// .NET never used asynchronously stays a blocking socket), so each hop costs what the kernel and a thread wake-up
/// cost and nothing else. What this adds over a direct call is what two loopback hops cost on this machine.</summary>
static class TcpRelay
{
    public static void Run(int port, Uri upstream)
    {
        var target = new IPEndPoint(IPAddress.Parse(upstream.Host), upstream.Port);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(1024);
        Console.WriteLine($"tcp relay on 127.0.0.1:{port} -> {target}");
        while (true)
        {
            var client = listener.Accept();
            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try { server.Connect(target); }
            catch (SocketException) { client.Dispose(); server.Dispose(); continue; }
            client.NoDelay = server.NoDelay = true;
            var pair = new Pair(client, server);
            Start(pair, client, server);
            Start(pair, server, client);
        }
    }

    /// <summary>The two sockets of one relayed connection; the direction that ends second closes both.</summary>
    private sealed class Pair(Socket a, Socket b)
    {
        private int _ended;
        public void DirectionEnded()
        {
            if (Interlocked.Increment(ref _ended) < 2) return;
            a.Dispose(); b.Dispose();
        }
    }

    private static void Start(Pair pair, Socket from, Socket to) =>
        new Thread(() => { Copy(from, to); pair.DirectionEnded(); }) { IsBackground = true, Name = "relay" }.Start();

    private static void Copy(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = from.Receive(buffer)) > 0)
                for (var sent = 0; sent < n;) sent += to.Send(buffer, sent, n - sent, SocketFlags.None);
        }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        try { to.Shutdown(SocketShutdown.Send); } catch (SocketException) { } catch (ObjectDisposedException) { }
    }
}
