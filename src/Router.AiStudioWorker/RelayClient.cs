using Router.Protocols.Relay;
using System.Net.WebSockets;
using System.Text;

namespace Router.AiStudioWorker;

/// <summary>
/// The worker's side of the /v1/ws relay: connects with the worker key and name, hands every frame
/// it receives to <see cref="OnFrame"/>, keeps the link alive with pings, and reconnects with backoff
/// (1 s doubling to 30 s) whenever the router is away or the socket drops.
/// </summary>
public sealed class RelayClient(WorkerOptions options, Action<string> log)
{
    private static readonly TimeSpan PingEvery = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan SilenceLimit = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private ClientWebSocket? _socket;

    /// <summary>Called for each frame received; must not block (start work and return).</summary>
    public Func<RelayFrame, Task> OnFrame { get; set; } = _ => Task.CompletedTask;

    /// <summary>True while a socket to the router is open.</summary>
    public bool Connected => _socket?.State == WebSocketState.Open;

    public async Task RunAsync(CancellationToken stop)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stop.IsCancellationRequested)
        {
            using var socket = new ClientWebSocket();
            if (options.WorkerKey.Length > 0) socket.Options.SetRequestHeader("Authorization", "Bearer " + options.WorkerKey);
            try
            {
                await socket.ConnectAsync(UpgradeUrl(), stop);
                log($"connected to the router relay as '{options.Name}'");
                backoff = TimeSpan.FromSeconds(1);
                _socket = socket;
                await ServeAsync(socket, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
            catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException or OperationCanceledException)
            {
                log($"relay connection lost or refused ({Describe(e)}); retrying in {backoff.TotalSeconds:0} s");
            }
            finally
            {
                _socket = null;
            }
            try { await Task.Delay(backoff, stop); } catch (OperationCanceledException) { break; }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>Sends on the open socket; false when there is none (the router will have failed the request over).</summary>
    public async Task<bool> SendAsync(RelayFrame frame)
    {
        var socket = _socket;
        if (socket is null || socket.State != WebSocketState.Open) return false;
        var bytes = Encoding.UTF8.GetBytes(frame.ToJson());
        await _sendLock.WaitAsync();
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException)
        {
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ServeAsync(ClientWebSocket socket, CancellationToken stop)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var lastHeard = DateTime.UtcNow;
        var keepAlive = KeepAliveAsync(socket, () => lastHeard, linked.Token);
        try
        {
            var buffer = new byte[64 * 1024];
            var message = new MemoryStream();
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, linked.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    log($"the router closed the relay ({result.CloseStatus} {result.CloseStatusDescription})");
                    return;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                lastHeard = DateTime.UtcNow;
                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                message.SetLength(0);
                if (RelayFrame.TryParse(text) is { } frame) await OnFrame(frame);
                else log("ignored a relay message that is not {id, type, payload}");
            }
        }
        finally
        {
            await linked.CancelAsync();
            await keepAlive;
        }
    }

    /// <summary>Pings the router; aborts the socket when nothing has been heard for too long.</summary>
    private async Task KeepAliveAsync(ClientWebSocket socket, Func<DateTime> lastHeard, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(PingEvery, stop);
                if (DateTime.UtcNow - lastHeard() > SilenceLimit)
                {
                    log($"nothing heard from the router for {SilenceLimit.TotalSeconds:0} s; reconnecting");
                    socket.Abort();
                    return;
                }
                await SendAsync(new RelayFrame(Guid.NewGuid().ToString("N"), RelayTypes.Ping, []));
            }
        }
        catch (OperationCanceledException) { }
    }

    private Uri UpgradeUrl()
    {
        var builder = new UriBuilder(options.RelayUrl);
        var query = builder.Query.TrimStart('?');
        var ours = "name=" + Uri.EscapeDataString(options.Name) + (options.Provider is { } p ? "&provider=" + Uri.EscapeDataString(p) : "");
        builder.Query = (query.Length > 0 ? query + "&" : "") + ours;
        return builder.Uri;
    }

    /// <summary>The failure without anything that could carry the key.</summary>
    private static string Describe(Exception e) => e is WebSocketException ws ? ws.WebSocketErrorCode + ": " + ws.Message : e.GetType().Name;
}
