using System.Threading.Channels;

namespace Router.Http.Admin;

/// <summary>
/// The request log's lines as they are written, for the admin page's live tail: the last
/// <see cref="Kept"/> lines for a watcher that just arrived, then every new one. A slow watcher
/// loses its oldest unread lines, never slows a request.
/// </summary>
public sealed class RequestFeed
{
    public const int Kept = 100;

    private readonly Lock _gate = new();
    private readonly Queue<string> _recent = new();
    private readonly List<Channel<string>> _watchers = [];

    /// <summary>True while someone watches: the request log writes lines for the feed even when logging.request_log is off.</summary>
    public bool Watched { get; private set; }

    public void Publish(string line)
    {
        lock (_gate)
        {
            _recent.Enqueue(line);
            if (_recent.Count > Kept) _recent.Dequeue();
            foreach (var watcher in _watchers) watcher.Writer.TryWrite(line);
        }
    }

    /// <summary>The recent lines, then each new one, until <paramref name="cancellationToken"/> fires (then it throws OperationCanceledException).</summary>
    public async IAsyncEnumerable<string> WatchAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(Kept) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        string[] recent;
        lock (_gate)
        {
            recent = [.. _recent];
            _watchers.Add(channel);
            Watched = true;
        }
        try
        {
            foreach (var line in recent) yield return line;
            await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken))
                yield return line;
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(channel);
                Watched = _watchers.Count > 0;
            }
        }
    }
}
