using Router.Protocols.Relay;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Router.Actors.Relay;

/// <summary>
/// One connected worker: its socket (frames in, frames out, the pings) and the requests in flight on it, told
/// apart by id. The socket is the relay's transport, as a connection is to an HTTP client: its frames are read and
/// written on the threads where they arrive, and an answer's body goes on as a stream, into Akka.Streams as any
/// upstream's body does. Health is measured here (any frame from the worker is a sign of life); the account entity
/// of the worker is told through <see cref="RelayHub"/>.
/// </summary>
public sealed class RelayConnection
{
    /// <summary>The largest message a worker may send (a whole answer in one http_response).</summary>
    public const int MaxMessageBytes = 64 * 1024 * 1024;

    private readonly ConcurrentDictionary<string, RelayExchange> _pending = new();
    // The same requests, found by an id read into a stack buffer (a stream chunk's id is never made a string).
    private readonly ConcurrentDictionary<string, RelayExchange>.AlternateLookup<ReadOnlySpan<char>> _pendingById;
    // Frames already serialized: a request is written once, by the caller, and sent by it when the socket is idle.
    private readonly FrameSender _outbound;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // 1 when the worker has sent anything since the last ping (or no ping has gone out yet).
    private int _heardSincePing = 1;
    private long _lastPongTicks;
    private int _missedPings;
    // Where the messages' text is unescaped (see Scratch).
    private byte[] _scratch = new byte[16 * 1024];
    private const int KeptScratchBytes = 1 << 20;
    private const int MessagesBeforeYield = 64;
    private static readonly TimeSpan MaxTimerPeriod = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public RelayConnection(string provider, string name, string entityId, int number, TimeSpan pingInterval)
    {
        Provider = provider;
        Name = name;
        EntityId = entityId;
        Number = number;
        PingInterval = pingInterval;
        ConnectedSince = DateTimeOffset.UtcNow;
        _pendingById = _pending.GetAlternateLookup<ReadOnlySpan<char>>();
        _outbound = new FrameSender(Close);
    }

    public string Provider { get; }
    public string Name { get; }
    /// <summary>The worker's account entity (its lease credential too: a worker needs no secret of ours).</summary>
    public string EntityId { get; }
    /// <summary>The N of the account label `PROVIDER#N`.</summary>
    public int Number { get; }
    public TimeSpan PingInterval { get; }
    public DateTimeOffset ConnectedSince { get; }
    public DateTimeOffset? LastPong => Interlocked.Read(ref _lastPongTicks) is > 0 and var t ? new DateTimeOffset(t, TimeSpan.Zero) : null;
    public int InFlight => _pending.Count;
    /// <summary>True while the worker has missed a ping.</summary>
    public bool Degraded => Volatile.Read(ref _missedPings) > 0;
    /// <summary>Completes with the reason once the socket is closed.</summary>
    public Task<string> Closed => _closed.Task;

    /// <summary>Called when the worker misses its first ping (degraded) and when it answers again (healthy).</summary>
    public Action<RelayConnection, bool>? HealthChanged { get; set; }

    /// <summary>Sends an HTTP request to the worker; the answer's headers come back first, the body as it arrives.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var id = Router.Protocols.Ids.Hex(32);
        var frame = await RequestFrameAsync(id, request, cancellationToken);
        var exchange = new RelayExchange();
        _pending[id] = exchange;
        if (_closed.Task.IsCompleted)
        {
            _pending.TryRemove(id, out _);
            throw new HttpRequestException(HttpRequestError.ConnectionError, "relay worker: not connected");
        }
        _outbound.Offer(frame);
        // The caller gave up (timeout, client gone): the exchange is forgotten, its late frames dropped.
        await using var registration = cancellationToken.Register(() =>
        {
            if (_pending.TryRemove(id, out var abandoned)) abandoned.Cancel(cancellationToken);
        });
        // Head runs its continuations on the thread pool, never on the socket's reader; the registration above
        // ends the wait on cancellation, so no WaitAsync promise is made per request.
        var response = await exchange.Head;
        // The exchange stays registered until its stream ends: its body is read after this returns.
        return response;
    }

    /// <summary>Sends a control message (login) to the worker; false when the socket is closed.</summary>
    public bool Post(RelayFrame frame)
    {
        if (_closed.Task.IsCompleted) return false;
        _outbound.Offer(frame.ToBytes());
        return true;
    }

    /// <summary>Closes the socket (replaced, removed, silent): requests in flight fail.</summary>
    public void Close(string reason)
    {
        if (!_closed.TrySetResult(reason)) return;
        _outbound.Stop();
        _stopping.Cancel();
        foreach (var id in _pending.Keys.ToList())
            if (_pending.TryRemove(id, out var exchange)) exchange.Fail(reason);
    }

    /// <summary>
    /// Runs the socket until it closes: the worker's messages are handled as they are read, frames go out as they are
    /// offered, and a ping goes out every interval.
    /// </summary>
    public async Task RunAsync(WebSocket socket)
    {
        _outbound.Start(socket);
        var pinging = PingAsync();
        var reading = ReadAsync(socket);
        var ended = await Task.WhenAny(reading, _closed.Task);
        Close(ended == _closed.Task ? _closed.Task.Result : ended.IsFaulted ? "the socket broke" : "the worker closed the socket");
        await CloseSocketAsync(socket, _closed.Task.Result);
        await Task.WhenAll(reading.ContinueWith(_ => { }), pinging);
    }

    /// <summary>
    /// The worker's messages until it closes the socket or the socket breaks. One receive buffer for all: a message
    /// that fits one receive (most do) is handled where it is, before the next receive reuses the buffer.
    /// </summary>
    private async Task ReadAsync(WebSocket socket)
    {
        var buffer = new byte[16 * 1024];
        var inARow = 0;
        while (!_closed.Task.IsCompleted)
        {
            var next = NextMessageAsync(socket, buffer);
            // Messages that are already there are read without a pause; after a run of them the loop lets go of its
            // thread once, so a worker that floods its socket cannot keep a thread-pool thread to itself.
            if (!next.IsCompleted) inARow = 0;
            else if (++inARow == MessagesBeforeYield)
            {
                inARow = 0;
                await Task.Yield();
            }
            if (await next is not { } message) return;
            OnMessage(message);
        }
    }

    private async Task PingAsync()
    {
        // A timer's period is at most about 49 days; a longer interval (the config allows it) is that.
        using var timer = new PeriodicTimer(PingInterval < MaxTimerPeriod ? PingInterval : MaxTimerPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
                if (Heartbeat() is { } ping) _outbound.Offer(ping.ToBytes());
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnMessage(ReadOnlyMemory<byte> message)
    {
        Volatile.Write(ref _heardSincePing, 1);
        if (Interlocked.Exchange(ref _missedPings, 0) > 0) HealthChanged?.Invoke(this, false);
        if (RelayMessage.TryRead(message.Span, Scratch(message.Length), out var answer))
        {
            Span<char> chars = stackalloc char[RelayMessage.MaxIdChars];
            var id = answer.IdChars(chars);
            if (_pendingById.TryGetValue(id, out var answered) && answered.Accept(in answer))
                _pendingById.TryRemove(id, out _, out _);
            return;
        }
        if (RelayFrame.Parse(message.Span) is not { } frame) return;
        switch (frame.Type)
        {
            case RelayTypes.Ping:
                Post(new RelayFrame(frame.Id, RelayTypes.Pong));
                return;
            case RelayTypes.Pong:
                Interlocked.Exchange(ref _lastPongTicks, DateTimeOffset.UtcNow.UtcTicks);
                return;
        }
        if (_pending.TryGetValue(frame.Id, out var exchange) && exchange.Accept(frame))
            _pending.TryRemove(frame.Id, out _);
    }

    /// <summary>
    /// Where a message's text is unescaped: one buffer for the socket's messages, which are read one at a time. One
    /// larger than <see cref="KeptScratchBytes"/> (a whole answer of some size) gets a buffer of its own, not kept.
    /// </summary>
    private Span<byte> Scratch(int length)
    {
        if (length <= _scratch.Length) return _scratch;
        if (length > KeptScratchBytes) return new byte[length];
        _scratch = new byte[Math.Max(length, 2 * _scratch.Length)];
        return _scratch;
    }

    /// <summary>
    /// Every ping interval: a worker that has sent nothing since the last ping has missed it. One miss
    /// marks it degraded; two close its socket (its account leaves). Then the next ping.
    /// </summary>
    private RelayFrame? Heartbeat()
    {
        if (Interlocked.Exchange(ref _heardSincePing, 0) == 0)
        {
            var missed = Interlocked.Increment(ref _missedPings);
            if (missed == 1) HealthChanged?.Invoke(this, true);
            if (missed >= 2)
            {
                Close($"no answer to {missed} pings");
                return null;
            }
        }
        return new RelayFrame(Guid.NewGuid().ToString("N"), RelayTypes.Ping);
    }

    /// <summary>The next whole message: in the receive buffer, or gathered from several receives; null at the end.</summary>
    private static async ValueTask<ReadOnlyMemory<byte>?> NextMessageAsync(WebSocket socket, byte[] buffer)
    {
        MemoryStream? parts = null;
        while (true)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                return null;
            }
            if (result.MessageType == WebSocketMessageType.Close) return null;
            if (result.EndOfMessage && parts is null) return buffer.AsMemory(0, result.Count);
            parts ??= new MemoryStream();
            parts.Write(buffer, 0, result.Count);
            if (parts.Length > MaxMessageBytes) return null;
            if (result.EndOfMessage) return parts.GetBuffer().AsMemory(0, (int)parts.Length);
        }
    }

    private static async Task CloseSocketAsync(WebSocket socket, string reason)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                var description = reason.Length > 100 ? reason[..100] : reason;
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, description, grace.Token);
            }
        }
        catch (Exception)
        {
            // A close that fails leaves the socket to the abort below: it is going away either way.
        }
        finally
        {
            if (socket.State != WebSocketState.Closed) socket.Abort();
        }
    }

    /// <summary>The http_request frame: {"method", "url", "headers": {name: [values]}, "body": the body as a string}.</summary>
    private static async Task<ReadOnlyMemory<byte>> RequestFrameAsync(string id, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is { } content ? await content.ReadAsByteArrayAsync(cancellationToken) : [];
        return RelayFrame.Serialize(id, RelayTypes.HttpRequest, (writer, _) =>
        {
            writer.WriteStartObject();
            writer.WriteString("method"u8, request.Method.Method);
            writer.WriteString("url"u8, request.RequestUri!.ToString());
            writer.WriteStartObject("headers"u8);
            foreach (var (name, values) in request.Headers) WriteHeader(writer, name, values);
            if (request.Content is { } sent)
                foreach (var (name, values) in sent.Headers)
                    if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) WriteHeader(writer, name, values);
            writer.WriteEndObject();
            // The body is UTF-8 JSON the router wrote or parsed, escaped a run at a time (its quotes are many); anything
            // else is sent as its decoded text, as before.
            if (Utf8.IsValid(body))
            {
                writer.WritePropertyName("body"u8);
                writer.WriteRawValue(Router.Protocols.Json.JsonStringScan.Literal(body), skipInputValidation: true);
            }
            else writer.WriteString("body"u8, Encoding.UTF8.GetString(body));
            writer.WriteEndObject();
        }, sizeHint: body.Length * 5 / 4 + 1024); // the body, its escapes (a JSON body: a quote every few bytes) and the head
    }

    private static void WriteHeader(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values) writer.WriteStringValue(value);
        writer.WriteEndArray();
    }
}
