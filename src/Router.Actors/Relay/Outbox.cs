using System.Collections.Concurrent;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;

namespace Router.Actors.Relay;

/// <summary>
/// Items offered from any thread to one Akka.Streams source. An item offered while the source waits for one
/// wakes it: one message to the stage's actor. Items offered while it is busy are queued and taken at its next
/// pull, without a wake-up. (A channel read by Akka's ChannelSource costs two hops for every item: the channel
/// runs its reader's continuation on the thread pool, and that comes back through an async callback.)
/// Unbounded, as the channel it replaces was: the stream's end (its kill switch) drops what is still queued.
/// </summary>
public sealed class Outbox<T>
{
    private readonly ConcurrentQueue<T> _queue = new();
    // 1 while the stage waits for an item; the offer that takes it back to 0 wakes the stage.
    private int _waiting;
    private Action? _wake;

    public void Offer(T item)
    {
        _queue.Enqueue(item);
        if (Interlocked.Exchange(ref _waiting, 0) == 1) _wake!();
    }

    /// <summary>The source of the offered items; materialize it once.</summary>
    public Source<T, NotUsed> Source() => Akka.Streams.Dsl.Source.FromGraph(new Stage(this));

    private sealed class Stage(Outbox<T> outbox) : GraphStage<SourceShape<T>>
    {
        private readonly Outlet<T> _out = new("outbox.out");
        private readonly Outbox<T> _outbox = outbox;

        public override SourceShape<T> Shape => new(_out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : OutGraphStageLogic
        {
            private readonly Stage _stage;

            public Logic(Stage stage) : base(stage.Shape)
            {
                _stage = stage;
                SetHandler(stage._out, this);
            }

            public override void PreStart()
            {
                var woken = GetAsyncCallback(() =>
                {
                    if (IsAvailable(_stage._out)) Deliver();
                });
                _stage._outbox._wake = woken;
            }

            public override void OnPull() => Deliver();

            private void Deliver()
            {
                var outbox = _stage._outbox;
                if (outbox._queue.TryDequeue(out var item))
                {
                    Push(_stage._out, item);
                    return;
                }
                Interlocked.Exchange(ref outbox._waiting, 1);
                // An offer between the dequeue above and the flag did not wake us: look again. When an offer has
                // taken the flag back meanwhile, its wake-up is on the way and delivers the item.
                if (!outbox._queue.IsEmpty && Interlocked.Exchange(ref outbox._waiting, 0) == 1) Deliver();
            }
        }
    }
}
