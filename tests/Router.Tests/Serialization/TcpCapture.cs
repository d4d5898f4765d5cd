using System.Net;
using System.Net.Sockets;

namespace Router.Tests.Serialization;

/// <summary>
/// A TCP forwarder on a loopback port of its own: every connection it accepts is relayed to
/// <see cref="Target"/>, and every byte relayed either way is recorded (what a capture of the link shows).
/// </summary>
public sealed class TcpCapture : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly MemoryStream _captured = new();
    private readonly List<Task> _relays = [];

    public int Port { get; }
    public int Target { get; set; }

    public TcpCapture()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _relays.Add(AcceptAsync());
    }

    public byte[] Captured
    {
        get { lock (_captured) return _captured.ToArray(); }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var upstream = new TcpClient();
                await upstream.ConnectAsync(IPAddress.Loopback, Target, _stop.Token);
                lock (_relays)
                {
                    _relays.Add(RelayAsync(client, upstream));
                    _relays.Add(RelayAsync(upstream, client));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task RelayAsync(TcpClient from, TcpClient to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.GetStream().ReadAsync(buffer, _stop.Token)) > 0)
            {
                lock (_captured) _captured.Write(buffer, 0, read);
                await to.GetStream().WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            from.Close();
            to.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Task[] relays;
        lock (_relays) relays = [.. _relays];
        await Task.WhenAll(relays);
        _stop.Dispose();
    }
}
