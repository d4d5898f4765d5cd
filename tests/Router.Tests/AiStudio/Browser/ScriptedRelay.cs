using Router.Protocols.Relay;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Router.AiStudioWorker;

namespace Router.Tests.AiStudio.Browser;

/// <summary>
/// A minimal relay server standing in for the router's /v1/ws: accepts a worker that shows the key,
/// lets the test send frames to it and read the frames it sends back.
/// </summary>
public sealed class ScriptedRelay : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _key;
    private WebSocket? _socket;
    private TaskCompletionSource<WebSocket> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    /// <summary>Every frame the worker sent, in arrival order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<RelayFrame> Received { get; } = new();
    public string Url { get; private set; } = "";
    public int Refused { get; private set; }
    /// <summary>Appended to timeout messages (the worker's output).</summary>
    public Func<string> Diagnostics { get; set; } = () => "";
    public int Connections { get; private set; }
    public string? LastName { get; private set; }

    private ScriptedRelay(WebApplication app, string key)
    {
        _app = app;
        _key = key;
    }

    public static async Task<ScriptedRelay> StartAsync(string key)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var relay = new ScriptedRelay(app, key);
        app.UseWebSockets();
        app.Map("/v1/ws", relay.AcceptAsync);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        relay.Url = $"ws://127.0.0.1:{address.Port}/v1/ws";
        return relay;
    }

    public Task<WebSocket> ConnectedAsync() => _connected.Task.WaitAsync(TimeSpan.FromSeconds(60));

    public async Task SendAsync(RelayFrame frame)
    {
        var socket = await ConnectedAsync();
        if (socket.State != WebSocketState.Open) throw new InvalidOperationException($"the worker's socket is {socket.State}\n{Diagnostics()}");
        await _sendLock.WaitAsync();
        try { await socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJson()), WebSocketMessageType.Text, true, CancellationToken.None); }
        finally { _sendLock.Release(); }
    }

    public Task SendRequestAsync(string id, string url, string body) => SendAsync(new RelayFrame(id, RelayTypes.HttpRequest, new JsonObject
    {
        ["method"] = "POST",
        ["url"] = url,
        ["headers"] = new JsonObject { ["Content-Type"] = new JsonArray("application/json") },
        ["body"] = body,
    }));

    /// <summary>The frames the worker sent for one request id, in order.</summary>
    public IReadOnlyList<RelayFrame> FramesFor(string id) => Received.Where(f => f.Id == id).ToList();

    /// <summary>Waits until the worker has sent a frame of this type for this id, and returns it.</summary>
    public async Task<RelayFrame> WaitForAsync(string id, string type, int timeoutMs = 60_000)
    {
        RelayFrame? found = null;
        await Fakes.RouterUnderTest.EventuallyAsync(
            () => Task.FromResult((found = Received.FirstOrDefault(f => f.Id == id && f.Type == type)) is not null),
            $"a '{type}' frame for request {id}; frames so far: {string.Join(", ", FramesFor(id).Select(f => f.Type))}\n{Diagnostics()}", timeoutMs);
        return found!;
    }

    /// <summary>Closes the worker's socket from the server side (the worker must reconnect).</summary>
    public async Task DropAsync()
    {
        var socket = await ConnectedAsync();
        _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.Abort();
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest) { context.Response.StatusCode = 400; return; }
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + _key)
        {
            Refused++;
            context.Response.StatusCode = 401;
            return;
        }
        LastName = context.Request.Query["name"];
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        Connections++;
        _socket = socket;
        if (!_connected.TrySetResult(socket)) _connected = FromResult(socket);
        var buffer = new byte[256 * 1024];
        var message = new MemoryStream();
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var text = Encoding.UTF8.GetString(message.ToArray());
                message.SetLength(0);
                if (RelayFrame.TryParse(text) is not { } frame) continue;
                Received.Enqueue(frame);
                if (frame.Type == RelayTypes.Ping) await SendAsync(frame with { Type = RelayTypes.Pong, Payload = [] });
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
    }

    private static TaskCompletionSource<WebSocket> FromResult(WebSocket socket)
    {
        var done = new TaskCompletionSource<WebSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult(socket);
        return done;
    }

    public async ValueTask DisposeAsync()
    {
        _socket?.Abort();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
