using System.Buffers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
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

    /// <summary>
    /// Canonical events decoded from the upstream's SSE body. A stream ends at its first failure: after
    /// a StreamFailed (an upstream error event, or the body ending before its end marker) nothing follows.
    /// </summary>
    public static IAsyncEnumerable<StreamEvent> Events(Stream body, IWireFormat upstream, CancellationToken cancellationToken) =>
        DecodeEvents(body, upstream.CreateStreamDecoder(), cancellationToken);

    /// <summary>The upstream body as it arrives, chunk by chunk.</summary>
    public static IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(Stream body, CancellationToken cancellationToken) => ReadChunks(body, cancellationToken);

    /// <summary>Client SSE frames for canonical events.</summary>
    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Encode(IAsyncEnumerable<StreamEvent> events, IStreamEncoder encoder)
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
    /// A translated stream for the client: canonical events encoded by the one encoder of this
    /// response. A read that fails after the first event becomes a StreamFailed written by that same
    /// encoder (so a format that numbers its events keeps counting), and the stream ends at its first
    /// StreamFailed, whether the upstream sent it or the transport failed.
    /// <paramref name="ended"/> runs once, however the stream ends, with the failure if there was one.
    /// </summary>
    public static IAsyncEnumerable<ReadOnlyMemory<byte>> Translated(
        IAsyncEnumerable<StreamEvent> events, IStreamEncoder encoder, Func<Exception, ErrorInfo> describe, Action<Exception?> ended) =>
        Encode(Guarded(events, e => [new StreamFailed(describe(e))], ended), encoder);

    /// <summary>
    /// A same-format stream relayed chunk by chunk; a read that fails after the first byte adds one
    /// error frame in the client's format (the only encoder of this response).
    /// </summary>
    public static IAsyncEnumerable<ReadOnlyMemory<byte>> Relayed(
        IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, IStreamEncoder failureEncoder, Func<Exception, ErrorInfo> describe, Action<Exception?> ended) =>
        Guarded(chunks, e => failureEncoder.Encode(new StreamFailed(describe(e))).Select(ToBytes), ended);

    /// <summary>
    /// The items as they come; when reading fails, the items <paramref name="onFailure"/> makes for the
    /// failure close the sequence. <paramref name="ended"/> runs once, with the failure if there was one.
    /// </summary>
    private static async IAsyncEnumerable<T> Guarded<T>(IAsyncEnumerable<T> items, Func<Exception, IEnumerable<T>> onFailure, Action<Exception?> ended)
    {
        Exception? failure = null;
        var reader = items.GetAsyncEnumerator();
        try
        {
            while (true)
            {
                try
                {
                    if (!await reader.MoveNextAsync()) break;
                }
                catch (Exception e)
                {
                    failure = e;
                    break;
                }
                yield return reader.Current;
            }
        }
        finally
        {
            await reader.DisposeAsync();
            ended(failure);
        }
        if (failure is not null)
            foreach (var item in onFailure(failure))
                yield return item;
    }

    public static ReadOnlyMemory<byte> ToBytes(SseFrame frame) => frame.ToWireBytes();

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
            {
                yield return streamEvent;
                if (streamEvent is StreamFailed) yield break;
            }
            if (decoder.Completed) yield break; // the end marker: nothing after it matters
        }
        if (!decoder.Completed)
            yield return new StreamFailed(ErrorInfo.BadGateway("The upstream stream ended before it was complete."));
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadChunks(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            // Waits for the next bytes without a buffer (a zero-byte read), so the hundreds of streams waiting on their
            // upstreams hold no pooled buffer each: the pool keeps only a few, and a stream holding one for its whole life
            // would make the rest allocate theirs, long-lived garbage that the GC then promotes. The buffer is rented to take
            // what has arrived and goes back at once. (A stream that cannot wait on a zero-byte read answers it with 0 at once,
            // and its read below waits as before.)
#pragma warning disable CA2022 // a zero-byte read reads nothing: it only waits
            await body.ReadAsync(Memory<byte>.Empty, cancellationToken);
#pragma warning restore CA2022
            var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
            byte[] chunk;
            try
            {
                var read = await body.ReadAsync(buffer, cancellationToken);
                if (read == 0) yield break;
                chunk = buffer.AsSpan(0, read).ToArray(); // copied out: the writer may hold a chunk after the next read
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            yield return chunk;
        }
    }
}
