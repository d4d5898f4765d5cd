using System.IO.Pipelines;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace Router.Http.Streaming;

/// <summary>
/// A streamed answer's Akka.Streams graph: FrameSource (the upstream's frames, batched) to
/// ResponseBodySink (the client's response body). The graph is fused once, at start; each response
/// materializes that blueprint with its own inputs in the attributes, so a response pays for one
/// interpreter actor and two stage logics, not for fusing the graph again.
/// </summary>
public static class ResponseStream
{
    /// <summary>What one materialization streams: the frames, and the response body they go to.</summary>
    public sealed record Inputs(IAsyncEnumerable<ReadOnlyMemory<byte>> Frames, PipeWriter Body, CancellationToken ClientAborted) : Attributes.IAttribute
    {
        public override string ToString() => "ResponseStream.Inputs";
    }

    // Materialize fuses any graph that is not a FusedGraph itself: the blueprint stays one, attributes and all.
    private static readonly Fusing.FusedGraph<ClosedShape, Task> Blueprint =
        Fusing.Aggressive(Source.FromGraph(new FrameSource()).ToMaterialized(new ResponseBodySink(), Keep.Right));

    /// <summary>Streams <paramref name="frames"/> to <paramref name="body"/>; ends when the last frame is flushed or the client left.</summary>
    public static Task RunAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> frames, PipeWriter body, CancellationToken clientAborted, IMaterializer materializer) =>
        materializer.Materialize(Blueprint.WithAttributes(new Attributes(new Inputs(frames, body, clientAborted))));

    internal static Inputs InputsOf(Attributes attributes) =>
        attributes.GetAttribute<Inputs>() ?? throw new InvalidOperationException("a response stream was materialized without its inputs");
}
