using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Router.Actors.Relay;

/// <summary>
/// A worker socket's sending side: frames go out whole and in the order they were offered, one send at a time (a
/// WebSocket takes one send at a time). The thread that offers a frame while no send is under way sends it itself,
/// and then whatever was offered meanwhile; a frame offered during a send is queued for the sender already at work.
/// So a request frame on an idle socket is written by its caller, with no hand-off to another thread.
/// Unbounded, as the socket's queue was before: <see cref="Stop"/> drops what is still queued.
/// </summary>
internal sealed class FrameSender(Action<string> broke)
{
    private readonly ConcurrentQueue<ReadOnlyMemory<byte>> _queue = new();
    private WebSocket _socket = null!;
    // 1 while a sender drains the queue; held from the start until the socket is given (Start), so what is offered
    // before that waits in the queue.
    private int _sending = 1;
    private volatile bool _stopped;

    /// <summary>The socket is ready: what was offered before goes out now, the rest as it is offered.</summary>
    public void Start(WebSocket socket)
    {
        _socket = socket;
        _ = DrainAsync();
    }

    public void Offer(ReadOnlyMemory<byte> frame)
    {
        if (_stopped) return;
        _queue.Enqueue(frame);
        if (Interlocked.CompareExchange(ref _sending, 1, 0) == 0) _ = DrainAsync();
    }

    /// <summary>No more sends: what is queued is dropped; a send under way finishes or fails with the socket.</summary>
    public void Stop()
    {
        _stopped = true;
        _queue.Clear();
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            try
            {
                while (!_stopped && _queue.TryDequeue(out var frame))
                    await _socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None);
            }
            catch (Exception)
            {
                // Whatever the send threw, the socket cannot be trusted with the next frame: it closes, and the
                // requests on it fail as they do when the worker goes away.
                Stop();
                broke("the socket broke");
                return;
            }
            Interlocked.Exchange(ref _sending, 0);
            // A frame offered after the last dequeue but before the flag went back found a sender at work: take it.
            if (_stopped || _queue.IsEmpty || Interlocked.CompareExchange(ref _sending, 1, 0) != 0) return;
        }
    }
}
