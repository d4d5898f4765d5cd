using System.IO.Pipelines;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace Router.Http.Streaming;

/// <summary>
/// A streamed answer's Akka.Streams graph: FrameSource (the upstream's frames, batched) to
/// ResponseBodySink (the client's response body). The graph is fused once, at start; each response
/// materializes that blueprint with its own inputs in the attributes, inside one of the long-lived
/// interpreters of a StreamHosts pool, so a response pays for its two stage logics, not for fusing
/// the graph again nor for an interpreter actor of its own.
/// </summary>
public static class ResponseStream
{
    /// <summary>What one materialization streams: the frames, the response body they go to, and the task that ends with it.</summary>
    public sealed record Inputs(IAsyncEnumerable<ReadOnlyMemory<byte>> Frames, PipeWriter Body, CancellationToken ClientAborted, TaskCompletionSource Done)
        : Attributes.IAttribute
    {
        public override string ToString() => "ResponseStream.Inputs";
    }

    // Materialize fuses any graph that is not a FusedGraph itself: the blueprint stays one, attributes and all.
    private static readonly Fusing.FusedGraph<ClosedShape, Task> Blueprint =
        Fusing.Aggressive(Source.FromGraph(new FrameSource()).ToMaterialized(new ResponseBodySink(), Keep.Right));

    /// <summary>
    /// Streams <paramref name="frames"/> to <paramref name="body"/>; ends when the last frame is flushed
    /// or the client left, fails with the upstream's failure.
    /// </summary>
    public static Task RunAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> frames, PipeWriter body, CancellationToken clientAborted, StreamHosts hosts)
    {
        var (graph, done) = For(frames, body, clientAborted);
        hosts.Run(graph, done);
        return done.Task;
    }

    /// <summary>The same graph in an interpreter of its own (what StreamHosts falls back to, and what tests may use).</summary>
    public static Task RunAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> frames, PipeWriter body, CancellationToken clientAborted, IMaterializer materializer)
    {
        var (graph, done) = For(frames, body, clientAborted);
        materializer.Materialize(graph);
        return done.Task;
    }

    /// <summary>The blueprint with one response's inputs, and the completion its sink ends.</summary>
    private static (IGraph<ClosedShape, Task> Graph, TaskCompletionSource Done) For(IAsyncEnumerable<ReadOnlyMemory<byte>> frames, PipeWriter body, CancellationToken clientAborted)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Blueprint.WithAttributes(new Attributes(new Inputs(frames, body, clientAborted, done))), done);
    }

    internal static Inputs InputsOf(Attributes attributes) =>
        attributes.GetAttribute<Inputs>() ?? throw new InvalidOperationException("a response stream was materialized without its inputs");
}
