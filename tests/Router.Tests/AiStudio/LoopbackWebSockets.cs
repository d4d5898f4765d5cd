using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Router.Tests.AiStudio;

/// <summary>Two ends of one WebSocket over a loopback TCP pair: the router's side and the worker's.</summary>
internal sealed class LoopbackWebSockets : IDisposable
{
    private readonly TcpClient _client, _server;

    private LoopbackWebSockets(TcpClient client, TcpClient server)
    {
        _client = client;
        _server = server;
        RouterSide = WebSocket.CreateFromStream(server.GetStream(), isServer: true, subProtocol: null, keepAliveInterval: Timeout.InfiniteTimeSpan);
        Worker = WebSocket.CreateFromStream(client.GetStream(), isServer: false, subProtocol: null, keepAliveInterval: Timeout.InfiniteTimeSpan);
    }

    public WebSocket RouterSide { get; }
    public WebSocket Worker { get; }

    public static async Task<LoopbackWebSockets> CreateAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        var accepting = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var server = await accepting;
        listener.Stop();
        return new LoopbackWebSockets(client, server);
    }

    /// <summary>The next message the worker receives, parsed, with its text as sent.</summary>
    public async Task<(JsonObject Frame, string Raw)> NextFrameAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        ValueWebSocketReceiveResult result;
        do
        {
            result = await Worker.ReceiveAsync(buffer.AsMemory(), timeout.Token);
            message.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        var raw = Encoding.UTF8.GetString(message.ToArray());
        return (JsonNode.Parse(raw)!.AsObject(), raw);
    }

    public void Dispose()
    {
        Worker.Dispose();
        RouterSide.Dispose();
        _client.Dispose();
        _server.Dispose();
    }
}
