using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using Akka.Actor;
using Akka.Streams;
using Router.Http.Streaming;

namespace Router.Tests.Streaming;

/// <summary>
/// The streamed-answer graph on its own (FrameSource to ResponseBodySink): frames at hand go out
/// together, a client that does not read stops the upstream reads, a client that leaves ends the
/// stream and disposes the upstream sequence, and every byte arrives in order.
/// </summary>
public sealed class ResponseStreamTests : IAsyncLifetime
{
    private readonly ActorSystem _system = ActorSystem.Create("response-stream");
    private IMaterializer Materializer => _system.Materializer();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _system.Terminate();

    private static ReadOnlyMemory<byte> Frame(int i) => Encoding.ASCII.GetBytes($"data: {i}\n\n");

    /// <summary>Frames, each ready at once unless <paramref name="waitBetween"/>; counts what was read and notes disposal.</summary>
    private sealed class Upstream(int count, bool waitBetween = false, int size = 0)
    {
        public int Read;
        public bool Disposed;

        public async IAsyncEnumerable<ReadOnlyMemory<byte>> Frames([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            try
            {
                for (var i = 0; i < count; i++)
                {
                    if (waitBetween) await Task.Yield();
                    Interlocked.Increment(ref Read);
                    yield return size > 0 ? new byte[size] : Frame(i);
                }
            }
            finally
            {
                Disposed = true;
            }
        }
    }

    /// <summary>A response body that counts its flushes.</summary>
    private sealed class CountingWriter(PipeWriter inner) : PipeWriter
    {
        public int Flushes;
        public override void Advance(int bytes) => inner.Advance(bytes);
        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);
        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
        public override void CancelPendingFlush() => inner.CancelPendingFlush();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Flushes);
            return inner.FlushAsync(cancellationToken);
        }
    }

    private static async Task<string> ReadAllAsync(PipeReader reader)
    {
        var text = new StringBuilder();
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer) text.Append(Encoding.ASCII.GetString(segment.Span));
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) return text.ToString();
        }
    }

    [Fact]
    public async Task Frames_at_hand_go_out_together_and_in_order()
    {
        var pipe = new Pipe();
        var body = new CountingWriter(pipe.Writer);
        var upstream = new Upstream(200);

        await ResponseStream.RunAsync(upstream.Frames(), body, CancellationToken.None, Materializer);
        await pipe.Writer.CompleteAsync();

        var expected = string.Concat(Enumerable.Range(0, 200).Select(i => $"data: {i}\n\n"));
        Assert.Equal(expected, await ReadAllAsync(pipe.Reader));
        Assert.True(body.Flushes < 10, $"200 ready frames took {body.Flushes} flushes");
        Assert.True(upstream.Disposed);
    }

    [Fact]
    public async Task Frames_that_arrive_one_by_one_all_arrive_in_order()
    {
        var pipe = new Pipe();
        var upstream = new Upstream(300, waitBetween: true);

        var run = ResponseStream.RunAsync(upstream.Frames(), pipe.Writer, CancellationToken.None, Materializer);
        var read = ReadAllAsync(pipe.Reader);
        await run;
        await pipe.Writer.CompleteAsync();

        Assert.Equal(string.Concat(Enumerable.Range(0, 300).Select(i => $"data: {i}\n\n")), await read);
    }

    [Fact]
    public async Task A_client_that_does_not_read_stops_the_upstream_reads_until_it_reads_again()
    {
        // The body pauses at 64 KB unread; each frame is 4 KB; a batch holds at most 32 KB.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
        var upstream = new Upstream(10_000, waitBetween: true, size: 4096);

        var run = ResponseStream.RunAsync(upstream.Frames(), pipe.Writer, CancellationToken.None, Materializer);
        // Reading stops growing once the writer is paused: wait until two looks a while apart agree.
        var bound = (64 + 32) * 1024 / 4096 + 2;
        await EventuallyStalls(() => Volatile.Read(ref upstream.Read));
        Assert.InRange(upstream.Read, 1, bound);

        var stalledAt = upstream.Read;
        var drained = 0L;
        while (drained < 200 * 4096L)
        {
            var result = await pipe.Reader.ReadAsync();
            drained += result.Buffer.Length;
            pipe.Reader.AdvanceTo(result.Buffer.End);
        }
        Assert.True(upstream.Read > stalledAt + 100, $"reads resumed only to {upstream.Read} after the client read again");
        await pipe.Reader.CompleteAsync();
        await run;
    }

    [Fact]
    public async Task A_client_that_leaves_ends_the_stream_and_the_upstream_sequence_is_disposed()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512, useSynchronizationContext: false));
        var upstream = new Upstream(1_000_000, waitBetween: true, size: 256);
        using var clientAborted = new CancellationTokenSource();

        var run = ResponseStream.RunAsync(upstream.Frames(), pipe.Writer, clientAborted.Token, Materializer);
        await EventuallyStalls(() => Volatile.Read(ref upstream.Read));
        clientAborted.Cancel();

        await run.WaitAsync(TimeSpan.FromSeconds(30));
        await Eventually(() => upstream.Disposed);
        Assert.True(upstream.Read < 1_000_000);
    }

    [Theory]
    [InlineData(true)]  // the failure comes from a later read
    [InlineData(false)] // the failure comes out of the same synchronous read as the frames before it
    public async Task An_upstream_failure_fails_the_stream_after_what_came_before(bool waitBeforeFailing)
    {
        async IAsyncEnumerable<ReadOnlyMemory<byte>> Failing()
        {
            yield return Frame(1);
            yield return Frame(2);
            if (waitBeforeFailing) await Task.Yield();
            throw new IOException("upstream reset");
        }
        var pipe = new Pipe();

        var failure = await Assert.ThrowsAsync<IOException>(() => ResponseStream.RunAsync(Failing(), pipe.Writer, CancellationToken.None, Materializer));
        await pipe.Writer.CompleteAsync();

        Assert.Equal("upstream reset", failure.Message);
        Assert.Equal("data: 1\n\ndata: 2\n\n", await ReadAllAsync(pipe.Reader));
    }

    [Fact]
    public async Task Many_responses_share_the_hosts_and_one_that_fails_fails_alone()
    {
        var hosts = new StreamHosts(_system);
        static async IAsyncEnumerable<ReadOnlyMemory<byte>> Failing()
        {
            yield return Frame(0);
            await Task.Yield();
            throw new IOException("upstream reset");
        }
        var pipes = Enumerable.Range(0, 200).Select(_ => new Pipe()).ToList();
        var runs = pipes.Select((pipe, i) => ResponseStream.RunAsync(i == 7 ? Failing() : new Upstream(50, waitBetween: i % 2 == 0).Frames(), pipe.Writer, CancellationToken.None, hosts)).ToList();
        var reads = pipes.Select(pipe => ReadAllAsync(pipe.Reader)).ToList();

        await Assert.ThrowsAsync<IOException>(() => runs[7]);
        for (var i = 0; i < pipes.Count; i++)
        {
            if (i != 7) await runs[i].WaitAsync(TimeSpan.FromSeconds(60));
            await pipes[i].Writer.CompleteAsync();
        }
        var expected = string.Concat(Enumerable.Range(0, 50).Select(i => $"data: {i}\n\n"));
        for (var i = 0; i < pipes.Count; i++)
            Assert.Equal(i == 7 ? "data: 0\n\n" : expected, await reads[i]);

        // The hosts are still there for the next response.
        var next = new Pipe();
        await ResponseStream.RunAsync(new Upstream(3).Frames(), next.Writer, CancellationToken.None, hosts);
        await next.Writer.CompleteAsync();
        Assert.Equal("data: 0\n\ndata: 1\n\ndata: 2\n\n", await ReadAllAsync(next.Reader));
    }

    [Fact]
    public async Task A_client_that_leaves_a_hosted_response_ends_it_and_disposes_the_upstream()
    {
        var hosts = new StreamHosts(_system);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512, useSynchronizationContext: false));
        var upstream = new Upstream(1_000_000, waitBetween: true, size: 256);
        using var clientAborted = new CancellationTokenSource();

        var run = ResponseStream.RunAsync(upstream.Frames(), pipe.Writer, clientAborted.Token, hosts);
        await EventuallyStalls(() => Volatile.Read(ref upstream.Read));
        clientAborted.Cancel();

        await run.WaitAsync(TimeSpan.FromSeconds(30));
        await Eventually(() => upstream.Disposed);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until a growing count stops growing for a few polls (the writer is paused).</summary>
    private static async Task EventuallyStalls(Func<int> count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var (last, same) = (-1, 0);
        while (same < 5)
        {
            Assert.True(DateTime.UtcNow < deadline, "the count kept growing for 30 s");
            await Task.Delay(50);
            var now = count();
            (last, same) = now == last && now > 0 ? (now, same + 1) : (now, 0);
        }
    }
}
