using System.Buffers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using Akka;
using Akka.Streams.Dsl;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Actors.Dispatch;

/// <summary>
/// The Akka.Streams stages between an upstream body and the client: either translated
/// (upstream SSE → canonical events → client SSE) or passed through byte for byte when both sides
/// speak the same format. Everything is pulled by the client's writes, so a slow client slows the
/// upstream read (backpressure) and nothing buffers a whole answer.
/// </summary>
public static class StreamPipeline
{
    private const int ReadBufferSize = 16 * 1024;

    /// <summary>Canonical events decoded from the upstream's SSE body. Ends with StreamFailed when the upstream stopped early.</summary>
    public static Source<StreamEvent, NotUsed> Decode(Stream body, IWireFormat upstream, CancellationToken cancellationToken) =>
        Source.From(() => Events(body, upstream, cancellationToken));

    /// <summary>The same events as an async sequence (for <see cref="PeekAsync{T}"/>).</summary>
    public static IAsyncEnumerable<StreamEvent> Events(Stream body, IWireFormat upstream, CancellationToken cancellationToken) =>
        DecodeEvents(body, upstream.CreateStreamDecoder(), cancellationToken);

    /// <summary>
    /// Reads the first item before anything reaches the client (a stream that fails at once can still
    /// fail over) and answers it with a Source of the whole sequence from that item on; null when the
    /// sequence is empty. One materialization per stream: the peek happens outside Akka.Streams.
    /// </summary>
    public static async Task<(T Head, Source<T, NotUsed> All)?> PeekAsync<T>(IAsyncEnumerable<T> items, CancellationToken cancellationToken)
    {
        var rest = items.GetAsyncEnumerator(cancellationToken);
        if (!await rest.MoveNextAsync())
        {
            await rest.DisposeAsync();
            return null;
        }
        var head = rest.Current;
        return (head, Source.From(() => Resume(head, rest)));
    }

    private static async IAsyncEnumerable<T> Resume<T>(T head, IAsyncEnumerator<T> rest)
    {
        try
        {
            yield return head;
            while (await rest.MoveNextAsync())
                yield return rest.Current;
        }
        finally
        {
            await rest.DisposeAsync();
        }
    }

    private static async IAsyncEnumerable<StreamEvent> DecodeEvents(Stream body, IStreamDecoder decoder, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
        {
            foreach (var streamEvent in decoder.Decode(item))
                yield return streamEvent;
            if (decoder.Completed) yield break; // the end marker: nothing after it matters
        }
        if (!decoder.Completed)
            yield return new StreamFailed(ErrorInfo.BadGateway("The upstream stream ended before it was complete."));
    }

    /// <summary>Client SSE frames for canonical events.</summary>
    public static Source<ReadOnlyMemory<byte>, NotUsed> Encode(Source<StreamEvent, NotUsed> events, IStreamEncoder encoder) =>
        events.SelectMany(e => encoder.Encode(e)).Select(ToBytes);

    /// <summary>The upstream body as it arrives, chunk by chunk.</summary>
    public static Source<ReadOnlyMemory<byte>, NotUsed> Raw(Stream body, CancellationToken cancellationToken) =>
        Source.From(() => Chunks(body, cancellationToken));

    /// <summary>The upstream body as an async sequence of chunks (for <see cref="PeekAsync{T}"/>).</summary>
    public static IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(Stream body, CancellationToken cancellationToken) => ReadChunks(body, cancellationToken);

    /// <summary>After the first byte, a failure can only be told in-band: one error frame in the client's format.</summary>
    public static Source<ReadOnlyMemory<byte>, NotUsed> EndWithErrorFrame(Source<ReadOnlyMemory<byte>, NotUsed> frames, IStreamEncoder encoder, Func<Exception, ErrorInfo> describe) =>
        frames.RecoverWithRetries(ex => Source.From(encoder.Encode(new StreamFailed(describe(ex))).Select(ToBytes).ToList()), 1);

    public static ReadOnlyMemory<byte> ToBytes(SseFrame frame) => Encoding.UTF8.GetBytes(frame.ToWire());

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadChunks(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A pooled read buffer; each chunk is copied out, since the writer may hold it after the next read.
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                yield return buffer.AsSpan(0, read).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
