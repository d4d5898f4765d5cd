using Akka.Streams;
using Akka.Streams.Stage;

namespace Router.Actors.Relay;

/// <summary>
/// A source over an async sequence that pushes an element the moment it is asked for when the sequence
/// already has it (its MoveNextAsync completed at once): no continuation and no message to the stage's
/// actor. Only a read that must wait comes back through an async callback. Akka's UnfoldAsync takes that
/// hop (a ContinueWith, then a mailbox message) for every element, which on a busy worker socket is every
/// stream chunk of every request. The sequence is disposed however the stream stops.
/// </summary>
public sealed class ReadyFirstSource<T> : GraphStage<SourceShape<T>>
{
    private readonly Func<IAsyncEnumerable<T>> _sequence;
    private readonly Outlet<T> _out = new("ready-first.out");

    public ReadyFirstSource(Func<IAsyncEnumerable<T>> sequence)
    {
        _sequence = sequence;
        Shape = new SourceShape<T>(_out);
    }

    public override SourceShape<T> Shape { get; }

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : OutGraphStageLogic
    {
        private readonly ReadyFirstSource<T> _stage;
        private IAsyncEnumerator<T>? _items;
        private Task<bool>? _moving; // a read that had to wait, not yet back
        private Action<Task<bool>> _moved = null!;

        public Logic(ReadyFirstSource<T> stage) : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage._out, this);
        }

        public override void PreStart()
        {
            _moved = GetAsyncCallback<Task<bool>>(moved =>
            {
                _moving = null;
                Take(new ValueTask<bool>(moved));
            });
            _items = _stage._sequence().GetAsyncEnumerator();
        }

        public override void OnPull()
        {
            ValueTask<bool> next;
            try
            {
                next = _items!.MoveNextAsync();
            }
            catch (Exception e)
            {
                FailStage(e);
                return;
            }
            if (next.IsCompleted)
            {
                Take(next);
                return;
            }
            _moving = next.AsTask();
            _moving.ContinueWith(_moved, TaskContinuationOptions.ExecuteSynchronously);
        }

        /// <summary>Pushes the element a completed read gave, or ends the stage.</summary>
        private void Take(ValueTask<bool> moved)
        {
            bool more;
            try
            {
                more = moved.GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                FailStage(e);
                return;
            }
            if (more) Push(_stage._out, _items!.Current);
            else CompleteStage();
        }

        /// <summary>A read still under way cannot overlap the sequence's disposal: it is disposed after that read.</summary>
        public override void PostStop()
        {
            if (_items is not { } items) return;
            if (_moving is { } moving)
                moving.ContinueWith(_ => items.DisposeAsync().AsTask(), TaskScheduler.Default);
            else
                _ = items.DisposeAsync().AsTask();
        }
    }
}
