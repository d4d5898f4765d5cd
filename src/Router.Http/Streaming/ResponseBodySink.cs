using System.Buffers;
using System.IO.Pipelines;
using Akka.Streams;
using Akka.Streams.Stage;

namespace Router.Http.Streaming;

/// <summary>
/// The end of a streamed answer: writes each batch's frames to the client's response body and flushes them. A
/// flush the socket takes at once asks for the next batch straight away (no hop through the stage's
/// actor); one that must wait (a slow client) comes back through an async callback, and until then
/// nothing more is asked from the upstream (backpressure). The materialized task ends when the last
/// batch is flushed, fails with the upstream's failure, and ends quietly when the client has gone
/// (the upstream is cancelled then). The response of this materialization comes in its attributes
/// (ResponseStream.Inputs): the graph is fused once.
/// </summary>
public sealed class ResponseBodySink : GraphStageWithMaterializedValue<SinkShape<IReadOnlyList<ReadOnlyMemory<byte>>>, Task>
{
    private readonly Inlet<IReadOnlyList<ReadOnlyMemory<byte>>> _in = new("response.in");

    public override SinkShape<IReadOnlyList<ReadOnlyMemory<byte>>> Shape => new(_in);

    public override ILogicAndMaterializedValue<Task> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var inputs = ResponseStream.InputsOf(inheritedAttributes);
        return new LogicAndMaterializedValue<Task>(new Logic(this, inputs.Body, inputs.ClientAborted, inputs.Done), inputs.Done.Task);
    }

    private sealed class Logic : InGraphStageLogic
    {
        private readonly ResponseBodySink _stage;
        private readonly PipeWriter _writer;
        private readonly CancellationToken _clientAborted;
        private readonly TaskCompletionSource _done;
        private Action<Task<FlushResult>> _flushed = null!;
        private bool _flushing, _upstreamDone;

        public Logic(ResponseBodySink stage, PipeWriter writer, CancellationToken clientAborted, TaskCompletionSource done) : base(stage.Shape)
        {
            _stage = stage;
            _writer = writer;
            _clientAborted = clientAborted;
            _done = done;
            SetHandler(stage._in, this);
        }

        public override void PreStart()
        {
            _flushed = GetAsyncCallback<Task<FlushResult>>(OnFlushed);
            Pull(_stage._in);
        }

        public override void OnPush()
        {
            var batch = Grab(_stage._in);
            ValueTask<FlushResult> flush;
            try
            {
                for (var i = 0; i < batch.Count; i++)
                    _writer.Write(batch[i].Span);
                flush = _writer.FlushAsync(_clientAborted);
            }
            catch (Exception e)
            {
                ClientGone(e);
                return;
            }
            if (flush.IsCompleted)
            {
                Flushed(() => flush.GetAwaiter().GetResult());
                return;
            }
            _flushing = true;
            flush.AsTask().ContinueWith(_flushed, TaskContinuationOptions.ExecuteSynchronously);
        }

        private void OnFlushed(Task<FlushResult> flush)
        {
            _flushing = false;
            Flushed(() => flush.GetAwaiter().GetResult());
        }

        private void Flushed(Func<FlushResult> result)
        {
            FlushResult flushed;
            try
            {
                flushed = result();
            }
            catch (Exception e)
            {
                ClientGone(e);
                return;
            }
            if (flushed.IsCanceled || flushed.IsCompleted)
            {
                ClientGone(null);
                return;
            }
            if (_upstreamDone) Finish();
            else Pull(_stage._in);
        }

        public override void OnUpstreamFinish()
        {
            _upstreamDone = true;
            if (!_flushing) Finish();
        }

        public override void OnUpstreamFailure(Exception e)
        {
            _done.TrySetException(e);
            FailStage(e);
        }

        private void Finish()
        {
            _done.TrySetResult();
            CompleteStage();
        }

        /// <summary>The client is gone: the upstream is cancelled; the writer's own error, if any, goes to whoever awaits.</summary>
        private void ClientGone(Exception? error)
        {
            if (error is null || _clientAborted.IsCancellationRequested) _done.TrySetResult();
            else _done.TrySetException(error);
            CompleteStage();
        }

        public override void PostStop() => _done.TrySetResult();
    }
}
