using Akka.Streams;
using Akka.Streams.Stage;

namespace Router.Http.Streaming;

/// <summary>
/// The source of a streamed answer: the frames of one response (an async sequence that reads the
/// upstream body), emitted in batches. Every frame already at hand when the client side asks for
/// more goes out in one element, so a burst of events costs one element, one write and one flush,
/// and a read that completes at once costs no hop through the stage's actor; only a read that must
/// wait for the network comes back through an async callback. Nothing is read before it is asked
/// for (backpressure), and a batch holds at most <see cref="MaxBatchBytes"/>. A batch is the list of
/// its frames, not a copy of their bytes: the sink writes them into the response body one after the
/// other, so a frame is copied once, there. The frames of this materialization come in its
/// attributes (ResponseStream.Inputs): the graph is fused once.
/// </summary>
public sealed class FrameSource : GraphStage<SourceShape<IReadOnlyList<ReadOnlyMemory<byte>>>>
{
    public const int MaxBatchBytes = 32 * 1024;

    private readonly Outlet<IReadOnlyList<ReadOnlyMemory<byte>>> _out = new("frames.out");

    public override SourceShape<IReadOnlyList<ReadOnlyMemory<byte>>> Shape => new(_out);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) =>
        new Logic(this, ResponseStream.InputsOf(inheritedAttributes).Frames);

    private sealed class Logic : OutGraphStageLogic
    {
        private readonly FrameSource _stage;
        private readonly IAsyncEnumerable<ReadOnlyMemory<byte>> _source;
        // Two lists in turn: the one pushed last is the sink's until it pulls again, which it does only once it
        // has written that batch, so by the next push the other list is free to fill.
        private List<ReadOnlyMemory<byte>> _held = new(8), _pushed = new(8);
        private int _heldBytes;
        private IAsyncEnumerator<ReadOnlyMemory<byte>>? _frames;
        private Task<bool>? _moving; // a read that had to wait, not yet back
        private bool _ended;
        // A failed read: it fails the stage once every frame read before it has been pushed.
        private Exception? _failure;
        private Action<Task<bool>> _moved = null!;

        public Logic(FrameSource stage, IAsyncEnumerable<ReadOnlyMemory<byte>> source) : base(stage.Shape)
        {
            _stage = stage;
            _source = source;
            SetHandler(stage._out, this);
        }

        public override void PreStart()
        {
            _moved = GetAsyncCallback<Task<bool>>(OnMoved);
            _frames = _source.GetAsyncEnumerator();
        }

        public override void OnPull() => Fill();

        /// <summary>Takes every frame that is ready now, then hands the batch on.</summary>
        private void Fill()
        {
            try
            {
                while (_moving is null && !_ended && _failure is null && _heldBytes < MaxBatchBytes)
                {
                    var next = _frames!.MoveNextAsync();
                    if (!next.IsCompleted)
                    {
                        _moving = next.AsTask();
                        _moving.ContinueWith(_moved, TaskContinuationOptions.ExecuteSynchronously);
                        break;
                    }
                    Take(next.GetAwaiter().GetResult());
                }
            }
            catch (Exception e)
            {
                // Also a read that failed at once, after frames it just took: they go out first.
                _failure = e;
            }
            Deliver();
        }

        private void OnMoved(Task<bool> moved)
        {
            _moving = null;
            try
            {
                Take(moved.GetAwaiter().GetResult());
            }
            catch (Exception e)
            {
                _failure = e;
            }
            if (IsAvailable(_stage._out)) Fill();
            else Deliver(); // nothing to push yet: ends the stage only when nothing is held
        }

        private void Take(bool more)
        {
            if (!more)
            {
                _ended = true;
                return;
            }
            var frame = _frames!.Current;
            _held.Add(frame);
            _heldBytes += frame.Length;
        }

        private void Deliver()
        {
            if (_held.Count > 0 && IsAvailable(_stage._out))
            {
                Push(_stage._out, _held);
                (_held, _pushed) = (_pushed, _held);
                _held.Clear();
                _heldBytes = 0;
            }
            if (_held.Count > 0) return;
            if (_failure is { } failure) FailStage(failure);
            else if (_ended) CompleteStage();
        }

        /// <summary>
        /// However the stream stops, the sequence is disposed (that ends the upstream call and its
        /// lease) — after a read still under way, which cannot overlap its disposal.
        /// </summary>
        public override void PostStop()
        {
            if (_frames is not { } frames) return;
            if (_moving is { } moving)
                moving.ContinueWith(_ => frames.DisposeAsync().AsTask(), TaskScheduler.Default);
            else
                _ = frames.DisposeAsync().AsTask();
        }
    }
}
