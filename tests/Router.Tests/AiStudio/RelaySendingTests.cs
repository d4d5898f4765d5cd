using System.Net.WebSockets;
using System.Text;
using Router.Actors.Relay;
using Router.Protocols.Relay;

namespace Router.Tests.AiStudio;

/// <summary>
/// How a worker socket is driven (<see cref="RelayConnection"/> over <c>FrameSender</c>): frames offered before the
/// socket runs, from many threads at once, a send that fails, and a worker whose messages never stop coming.
/// </summary>
public sealed class RelaySendingTests
{
    [Fact]
    public async Task Frames_offered_before_the_socket_runs_go_out_first_in_order()
    {
        using var sockets = await LoopbackWebSockets.CreateAsync();
        var connection = new RelayConnection("aistudio", "laptop", "entity-1", 1, TimeSpan.FromMinutes(5));
        Assert.True(connection.Post(new RelayFrame("first", RelayTypes.Login)));
        Assert.True(connection.Post(new RelayFrame("second", RelayTypes.Login)));

        var running = connection.RunAsync(sockets.RouterSide);
        Assert.True(connection.Post(new RelayFrame("third", RelayTypes.Login)));

        string[] ids = [await NextIdAsync(sockets), await NextIdAsync(sockets), await NextIdAsync(sockets)];
        Assert.Equal(["first", "second", "third"], ids);
        connection.Close("test over");
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Requests_sent_from_many_threads_at_once_each_reach_the_worker_once_and_whole()
    {
        const int threads = 6, each = 40;
        using var sockets = await LoopbackWebSockets.CreateAsync();
        var connection = new RelayConnection("aistudio", "laptop", "entity-1", 1, TimeSpan.FromMinutes(5));
        var running = connection.RunAsync(sockets.RouterSide);
        // Bodies of 40 KB: each frame takes several socket writes, so two sends at once would interleave them.
        var body = "{\"text\":\"" + new string('x', 40_000) + "\"}";
        var calls = new List<Task>();
        var start = new ManualResetEventSlim();
        var senders = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            start.Wait();
            for (var i = 0; i < each; i++)
                lock (calls) calls.Add(connection.SendAsync(Request($"{{\"thread\":{t},\"n\":{i},\"pad\":{body}}}"), CancellationToken.None));
        })).ToList();
        start.Set();

        var seen = new HashSet<string>();
        var lastOfThread = new int[threads];
        Array.Fill(lastOfThread, -1);
        while (seen.Count < threads * each)
        {
            var (frame, _) = await sockets.NextFrameAsync();
            Assert.True(seen.Add(frame["id"]!.GetValue<string>()), "a frame arrived twice");
            var sent = System.Text.Json.Nodes.JsonNode.Parse(frame["payload"]!["body"]!.GetValue<string>())!;
            var thread = sent["thread"]!.GetValue<int>();
            var n = sent["n"]!.GetValue<int>();
            // Each thread's requests leave in the order it sent them.
            Assert.Equal(lastOfThread[thread] + 1, n);
            lastOfThread[thread] = n;
        }
        await Task.WhenAll(senders);
        Assert.Equal(threads * each, connection.InFlight);

        connection.Close("test over");
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        foreach (var call in calls)
            await Assert.ThrowsAsync<HttpRequestException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_send_that_fails_closes_the_socket_and_fails_the_request_on_it()
    {
        using var socket = new SocketThatCannotSend();
        var connection = new RelayConnection("aistudio", "laptop", "entity-1", 1, TimeSpan.FromMinutes(5));
        var running = connection.RunAsync(socket);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.SendAsync(Request("{}"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("the socket broke", error.Message);
        Assert.Equal("the socket broke", await connection.Closed.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, connection.InFlight);
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(connection.Post(new RelayFrame("late", RelayTypes.Login)));
    }

    [Fact]
    public void Frames_offered_from_many_threads_are_sent_one_at_a_time_each_once_in_each_threads_order()
    {
        // Many short rounds, each two threads offering at once and then waiting until all went out: a frame offered
        // just as a sender finished must not be left in the queue, and such a moment has a chance in every round.
        const int threads = 2, rounds = 40_000, perRound = 2;
        var socket = new RecordingSocket();
        var sender = new FrameSender(reason => throw new Xunit.Sdk.XunitException($"the sender broke: {reason}"));
        sender.Offer(Frame(0, -1));
        sender.Start(socket);
        using var together = new Barrier(threads);
        var offering = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            for (var round = 0; round < rounds; round++)
            {
                if (!together.SignalAndWait(10_000)) return;
                for (var i = 0; i < perRound; i++) sender.Offer(Frame(t, round * perRound + i));
                var expected = 1 + (round + 1) * perRound * threads;
                var deadline = Environment.TickCount64 + 10_000;
                while (socket.Sent.Count < expected)
                {
                    if (Environment.TickCount64 > deadline) return; // left in the queue: the count below tells
                    Thread.Yield();
                }
            }
        })).ToList();
        offering.ForEach(t => t.Start());
        offering.ForEach(t => t.Join());

        Assert.Equal(1 + threads * rounds * perRound, socket.Sent.Count);
        Assert.Equal(0, socket.Overlaps);
        var last = new int[threads];
        Array.Fill(last, -1);
        foreach (var (thread, n) in socket.Sent.Skip(1))
        {
            Assert.Equal(last[thread] + 1, n);
            last[thread] = n;
        }
    }

    [Fact]
    public async Task A_worker_whose_messages_are_always_there_does_not_keep_the_reading_thread()
    {
        // Every receive completes at once (a flood); without a pause the whole flood would be read before RunAsync
        // even returned to its caller, on the caller's thread.
        const int flood = 10_000;
        var socket = new FloodingSocket(flood);
        var connection = new RelayConnection("aistudio", "laptop", "entity-1", 1, TimeSpan.FromMinutes(5));
        var running = connection.RunAsync(socket);
        Assert.True(socket.Delivered < flood, $"all {socket.Delivered} messages were read before the read loop let go of its thread");

        Assert.Equal("the worker closed the socket", await connection.Closed.WaitAsync(TimeSpan.FromSeconds(30)));
        await running.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(flood, socket.Delivered);
    }

    private static ReadOnlyMemory<byte> Frame(int thread, int n) => BitConverter.GetBytes(((long)thread << 32) | (uint)n);

    private static async Task<string> NextIdAsync(LoopbackWebSockets sockets) => (await sockets.NextFrameAsync()).Frame["id"]!.GetValue<string>();

    private static HttpRequestMessage Request(string body) =>
        new(HttpMethod.Post, "http://upstream.test/v1beta/models/m:generateContent") { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>A socket that records what it sends, and whether two sends were ever under way at once; every third send waits.</summary>
    private sealed class RecordingSocket : FakeSocket
    {
        private int _active, _sends;
        public int Overlaps;
        public System.Collections.Concurrent.ConcurrentQueue<(int Thread, int N)> Sent { get; } = new();

        public override async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _active) != 1) Interlocked.Increment(ref Overlaps);
            var value = BitConverter.ToInt64(buffer.Span);
            if (++_sends % 3 == 0) await Task.Yield();
            Sent.Enqueue(((int)(value >> 32), (int)value));
            Interlocked.Decrement(ref _active);
        }
    }

    /// <summary>A socket whose receives complete at once: pings, then a close; its sends succeed at once.</summary>
    private sealed class FloodingSocket(int pings) : FakeSocket
    {
        private static readonly byte[] Ping = Encoding.UTF8.GetBytes("""{"id":"p","type":"ping"}""");
        public int Delivered;

        public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            if (Delivered == pings) return ValueTask.FromResult(new ValueWebSocketReceiveResult(0, WebSocketMessageType.Close, true));
            Delivered++;
            Ping.CopyTo(buffer);
            return ValueTask.FromResult(new ValueWebSocketReceiveResult(Ping.Length, WebSocketMessageType.Text, true));
        }
    }

    /// <summary>A socket whose every send and close throws something no WebSocket documents.</summary>
    private sealed class SocketThatCannotSend : FakeSocket
    {
        public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
            throw new NotSupportedException("this socket cannot send");

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            throw new NotSupportedException("this socket cannot send");
    }

    /// <summary>A socket in memory: sends and closes succeed at once; reads wait until it is aborted.</summary>
    private class FakeSocket : WebSocket
    {
        private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private WebSocketState _state = WebSocketState.Open;

        public override WebSocketCloseStatus? CloseStatus => null;
        public override string? CloseStatusDescription => null;
        public override WebSocketState State => _state;
        public override string? SubProtocol => null;

        public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
        {
            await _aborted.Task;
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
        }

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

        public override void Abort()
        {
            _state = WebSocketState.Aborted;
            _aborted.TrySetResult();
        }

        public override void Dispose() => Abort();
    }
}
