using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bench;

/// <summary>
/// A relay worker for the bench (docs/aistudio.md): connects to the router's /v1/ws with a worker key, answers
/// pings, and performs every http_request it is sent against the URL it names (the fake upstream's Gemini
/// route), answering with http_response, or stream_start / stream_chunk… / stream_end as the body arrives.
/// </summary>
sealed class RelayWorker : IAsyncDisposable
{
    // The relay's message types (the router's Router.Protocols.Relay.RelayTypes; the bench does not reference src/).
    private static class RelayTypes
    {
        public const string HttpRequest = "http_request", HttpResponse = "http_response", StreamStart = "stream_start",
            StreamChunk = "stream_chunk", StreamEnd = "stream_end", Error = "error", Ping = "ping", Pong = "pong";
    }

    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly HttpClient _http = Load.NewClient(int.MaxValue);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    private RelayWorker(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadAsync);
    }

    public static async Task<RelayWorker> ConnectAsync(string url, string key)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new Uri(url), timeout.Token);
        return new RelayWorker(socket);
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    message.Write(buffer, 0, result.Count);
                } while (!result.EndOfMessage);
                var frame = JsonNode.Parse(message.ToArray())!.AsObject();
                var id = frame["id"]?.GetValue<string>() ?? "";
                switch (frame["type"]?.GetValue<string>())
                {
                    case RelayTypes.Ping:
                        await SendAsync(id, RelayTypes.Pong);
                        break;
                    case RelayTypes.HttpRequest when frame["payload"] is JsonObject request:
                        _ = Task.Run(() => PerformAsync(id, request));
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
    }

    private async Task PerformAsync(string id, JsonObject request)
    {
        try
        {
            using var call = new HttpRequestMessage(new HttpMethod(request["method"]!.GetValue<string>()), request["url"]!.GetValue<string>())
            {
                Content = new StringContent(request["body"]?.GetValue<string>() ?? "", Encoding.UTF8, "application/json"),
            };
            using var answer = await _http.SendAsync(call, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            var status = (int)answer.StatusCode;
            var contentType = answer.Content.Headers.ContentType?.ToString() ?? "application/json";
            var headers = new JsonObject { ["Content-Type"] = new JsonArray(contentType) };
            if (!contentType.StartsWith("text/event-stream", StringComparison.Ordinal))
            {
                await SendAsync(id, RelayTypes.HttpResponse, new JsonObject { ["status"] = status, ["headers"] = headers, ["body"] = await answer.Content.ReadAsStringAsync() });
                return;
            }
            await SendAsync(id, RelayTypes.StreamStart, new JsonObject { ["status"] = status, ["headers"] = headers });
            await using var body = await answer.Content.ReadAsStreamAsync();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(chunk, _stop.Token)) > 0)
                await SendChunkAsync(id, chunk.AsMemory(0, read));
            await SendAsync(id, RelayTypes.StreamEnd);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or WebSocketException)
        {
            try { await SendAsync(id, RelayTypes.Error, new JsonObject { ["error"] = e.Message, ["status"] = 502 }); } catch (WebSocketException) { }
        }
    }

    private Task SendAsync(string id, string type, JsonObject? payload = null)
    {
        var frame = new JsonObject { ["id"] = id, ["type"] = type };
        if (payload is not null) frame["payload"] = payload;
        return SendFrameAsync(JsonSerializer.SerializeToUtf8Bytes(frame));
    }

    // The worker shares the load generator's core: a chunk, the frame it sends most, is written in one pass
    // (no tree, no string), so this harness spends as little of that core as it can on its side of the relay.
    private static readonly JsonWriterOptions ChunkWriting = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private Task SendChunkAsync(string id, ReadOnlyMemory<byte> data)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(data.Length + 128);
        using (var writer = new Utf8JsonWriter(buffer, ChunkWriting))
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, id);
            writer.WriteString("type"u8, RelayTypes.StreamChunk);
            writer.WriteStartObject("payload"u8);
            writer.WriteString("data"u8, data.Span); // the fake's SSE is ASCII
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return SendFrameAsync(buffer.WrittenMemory);
    }

    private async Task SendFrameAsync(ReadOnlyMemory<byte> bytes)
    {
        await _sending.WaitAsync();
        try { await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, _stop.Token); }
        finally { _sending.Release(); }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            if (_socket.State == WebSocketState.Open) await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bench over", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        _stop.Cancel();
        _socket.Abort();
        try { await _reader; } catch { }
        _socket.Dispose();
        _http.Dispose();
    }
}
