using System.Buffers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Actors.Dispatch;

/// <summary>
/// What flows from an upstream body to the client: either translated (upstream SSE → canonical
/// events → client SSE) or passed through byte for byte when both sides speak the same format.
/// The steps are async sequences pulled one item at a time; the front end runs them as one
/// Akka.Streams graph per response (AnswerWriter), so a slow client slows the upstream read
/// (backpressure), nothing buffers a whole answer, and a stream costs one materialization.
/// </summary>
public static class StreamPipeline
{
    private const int ReadBufferSize = 16 * 1024;

    /// <summary>Canonical events decoded from the upstream's SSE body. Ends with StreamFailed when the upstream stopped early.</summary>
    public static IAsyncEnumerable<StreamEvent> Events(Stream body, IWireFormat upstream, CancellationToken cancellationToken) =>
        DecodeEvents(body, upstream.CreateStreamDecoder(), cancellationToken);

    /// <summary>The upstream body as it arrives, chunk by chunk.</summary>
    public static IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(Stream body, CancellationToken cancellationToken) => ReadChunks(body, cancellationToken);

    /// <summary>Client SSE frames for canonical events.</summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> Encode(IAsyncEnumerable<StreamEvent> events, IStreamEncoder encoder)
    {
        await foreach (var streamEvent in events)
            foreach (var frame in encoder.Encode(streamEvent))
                yield return ToBytes(frame);
    }

    /// <summary>
    /// Reads the first item before anything reaches the client (a stream that fails at once can still
    /// fail over) and answers it with the whole sequence from that item on; null when it is empty.
    /// </summary>
    public static async Task<(T Head, IAsyncEnumerable<T> All)?> PeekAsync<T>(IAsyncEnumerable<T> items, CancellationToken cancellationToken)
    {
        var rest = items.GetAsyncEnumerator(cancellationToken);
        if (!await rest.MoveNextAsync())
        {
            await rest.DisposeAsync();
            return null;
        }
        var head = rest.Current;
        return (head, Resume(head, rest));
    }

    /// <summary>
    /// The frames for the client, ending in one error frame in the client's format when reading fails
    /// after the first byte (the only way left to tell it); <paramref name="ended"/> runs once, however
    /// the stream ends, with the failure if there was one.
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> Guarded(
        IAsyncEnumerable<ReadOnlyMemory<byte>> frames, IStreamEncoder encoder, Func<Exception, ErrorInfo> describe, Action<Exception?> ended)
    {
        Exception? failure = null;
        var items = frames.GetAsyncEnumerator();
        try
        {
            while (true)
            {
                try
                {
                    if (!await items.MoveNextAsync()) break;
                }
                catch (Exception e)
                {
                    failure = e;
                    break;
                }
                yield return items.Current;
            }
        }
        finally
        {
            await items.DisposeAsync();
            ended(failure);
        }
        if (failure is not null)
            foreach (var frame in encoder.Encode(new StreamFailed(describe(failure))))
                yield return ToBytes(frame);
    }

    public static ReadOnlyMemory<byte> ToBytes(SseFrame frame) => Encoding.UTF8.GetBytes(frame.ToWire());

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
