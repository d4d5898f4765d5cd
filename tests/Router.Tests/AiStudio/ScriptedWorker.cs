using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Router.Tests.Fakes;

namespace Router.Tests.AiStudio;

/// <summary>
/// A relay worker played by the test: a ClientWebSocket on the router's relay that sees each
/// http_request the router sends and answers it with the frames the test writes (docs/aistudio.md).
/// It answers pings unless told not to; a <see cref="Handler"/> answers requests by itself.
/// </summary>
public sealed class ScriptedWorker : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonObject> _requests = Channel.CreateUnbounded<JsonObject>();
    private readonly Channel<JsonObject> _control = Channel.CreateUnbounded<JsonObject>();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Task _reader;

    private ScriptedWorker(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadAsync);
    }

    public bool AnswerPings { get; set; } = true;
    public int PingsSeen;
    /// <summary>Answers every request by itself when set (the request frame, this worker).</summary>
    public Func<JsonObject, ScriptedWorker, Task>? Handler { get; set; }
    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static string RelayUrl(RouterUnderTest router, string query) =>
        router.BaseUrl.Replace("http://", "ws://") + router.Config.WebSocket.Path + query;

    public static async Task<ScriptedWorker> ConnectAsync(RouterUnderTest router, string? name = null, string? key = AiStudioSetup.WorkerKey,
        Func<JsonObject, ScriptedWorker, Task>? handler = null, string? provider = null, string? queryKey = null)
    {
        var socket = new ClientWebSocket();
        if (key is not null) socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        var query = new List<string>();
        if (name is not null) query.Add("name=" + Uri.EscapeDataString(name));
        if (provider is not null) query.Add("provider=" + Uri.EscapeDataString(provider));
        if (queryKey is not null) query.Add("key=" + Uri.EscapeDataString(queryKey));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new Uri(RelayUrl(router, query.Count == 0 ? "" : "?" + string.Join('&', query))), cts.Token);
        return new ScriptedWorker(socket) { Handler = handler };
    }

    public async Task<JsonObject> NextRequestAsync(int timeoutMs = 10000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        return await _requests.Reader.ReadAsync(cts.Token);
    }

    public async Task<JsonObject> NextControlAsync(int timeoutMs = 10000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        return await _control.Reader.ReadAsync(cts.Token);
    }

    public Task SendAsync(string id, string type, JsonObject? payload = null)
    {
        var frame = new JsonObject { ["id"] = id, ["type"] = type };
        if (payload is not null) frame["payload"] = payload;
        return SendRawAsync(frame.ToJsonString());
    }

    public async Task SendRawAsync(string text)
    {
        await _sending.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sending.Release();
        }
    }

    public static JsonObject Headers(params (string Name, string Value)[] headers)
    {
        var map = new JsonObject();
        foreach (var (name, value) in headers) map[name] = new JsonArray(value);
        return map;
    }

    /// <summary>A whole answer: http_response {status, headers (lists of values), body}.</summary>
    public Task RespondAsync(string id, int status, string body) =>
        SendAsync(id, "http_response", new JsonObject { ["status"] = status, ["headers"] = Headers(("Content-Type", "application/json")), ["body"] = body });

    /// <summary>A streamed answer: stream_start, one stream_chunk {data} per piece, stream_end.</summary>
    public async Task StreamAsync(string id, IEnumerable<string> chunks, bool end = true)
    {
        await SendAsync(id, "stream_start", new JsonObject { ["status"] = 200, ["headers"] = Headers(("Content-Type", "text/event-stream")) });
        foreach (var chunk in chunks) await SendAsync(id, "stream_chunk", new JsonObject { ["data"] = chunk });
        if (end) await SendAsync(id, "stream_end");
    }

    public Task ErrorAsync(string id, string message, int? status = null)
    {
        var payload = new JsonObject { ["error"] = message };
        if (status is not null) payload["status"] = status;
        return SendAsync(id, "error", payload);
    }

    /// <summary>Drops the connection without a close handshake (a crashed worker).</summary>
    public void Abort() => _socket.Abort();

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { _socket.Abort(); }
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    message.Write(buffer, 0, result.Count);
                } while (!result.EndOfMessage);
                var frame = JsonNode.Parse(message.ToArray())!.AsObject();
                switch (frame["type"]!.GetValue<string>())
                {
                    case "ping":
                        Interlocked.Increment(ref PingsSeen);
                        if (AnswerPings) await SendAsync(frame["id"]!.GetValue<string>(), "pong");
                        break;
                    case "http_request" when Handler is { } handler:
                        _ = Task.Run(() => handler(frame, this));
                        break;
                    case "http_request":
                        await _requests.Writer.WriteAsync(frame);
                        break;
                    default:
                        await _control.Writer.WriteAsync(frame);
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or JsonException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            Closed.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _socket.Abort();
        await _reader;
        _socket.Dispose();
    }
}
