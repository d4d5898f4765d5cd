using System.Text;
using System.Threading.Channels;
using Router.Actors.Dispatch;

namespace Router.Tests.Streaming;

/// <summary>
/// A same-format stream's upstream body read chunk by chunk (StreamPipeline.Chunks): a stream waiting
/// for its upstream waits on a zero-byte read, so it holds no read buffer while it waits, and a body
/// that answers zero-byte reads at once is read just the same.
/// </summary>
public sealed class UpstreamChunksTests
{
    /// <summary>A body whose bytes arrive when the test sends them; notes the size of every read that had to wait for them.</summary>
    private sealed class ArrivingBody(bool waitsOnZeroByteReads) : Stream
    {
        private readonly Channel<byte[]> _arrivals = Channel.CreateUnbounded<byte[]>();
        private byte[] _pending = [];
        public readonly List<int> WaitingReadSizes = new();

        public void Arrive(string text) => _arrivals.Writer.TryWrite(Encoding.ASCII.GetBytes(text));
        public void End() => _arrivals.Writer.Complete();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.Length == 0 && !waitsOnZeroByteReads) return 0;
            if (_pending.Length == 0)
            {
                if (!_arrivals.Reader.TryRead(out var next))
                {
                    if (_arrivals.Reader.Completion.IsCompleted) return 0; // the end: nothing to wait for
                    lock (WaitingReadSizes) WaitingReadSizes.Add(buffer.Length);
                    if (!await _arrivals.Reader.WaitToReadAsync(cancellationToken)) return 0;
                    _arrivals.Reader.TryRead(out next);
                }
                _pending = next!;
            }
            var n = Math.Min(buffer.Length, _pending.Length);
            _pending.AsSpan(0, n).CopyTo(buffer.Span);
            _pending = _pending[n..];
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static async Task<List<string>> ReadAllWhileArriving(ArrivingBody body, params string[] arrivals)
    {
        var chunks = new List<string>();
        await using var reader = StreamPipeline.Chunks(body, CancellationToken.None).GetAsyncEnumerator();
        foreach (var text in arrivals)
        {
            var moved = reader.MoveNextAsync();
            body.Arrive(text);
            Assert.True(await moved);
            chunks.Add(Encoding.ASCII.GetString(reader.Current.Span));
        }
        var last = reader.MoveNextAsync();
        body.End();
        Assert.False(await last);
        return chunks;
    }

    [Fact]
    public async Task A_stream_waiting_for_its_upstream_waits_without_a_read_buffer()
    {
        var body = new ArrivingBody(waitsOnZeroByteReads: true);
        var chunks = await ReadAllWhileArriving(body, "data: 1\n\n", "data: 2\n\n", "data: [DONE]\n\n");
        Assert.Equal(["data: 1\n\n", "data: 2\n\n", "data: [DONE]\n\n"], chunks);
        Assert.NotEmpty(body.WaitingReadSizes);
        Assert.All(body.WaitingReadSizes, size => Assert.Equal(0, size));
    }

    [Fact]
    public async Task A_body_that_answers_zero_byte_reads_at_once_is_read_whole_and_in_order()
    {
        var body = new ArrivingBody(waitsOnZeroByteReads: false);
        var chunks = await ReadAllWhileArriving(body, "data: 1\n\n", "data: 2\n\n");
        Assert.Equal(["data: 1\n\n", "data: 2\n\n"], chunks);
        Assert.All(body.WaitingReadSizes, size => Assert.True(size > 0)); // its reads wait holding the buffer, as before
    }

    [Fact]
    public async Task Bytes_that_are_already_there_come_out_as_one_chunk_each_read()
    {
        var body = new ArrivingBody(waitsOnZeroByteReads: true);
        body.Arrive("data: 1\n\ndata: 2\n\n");
        body.End();
        var chunks = new List<string>();
        await foreach (var chunk in StreamPipeline.Chunks(body, CancellationToken.None))
            chunks.Add(Encoding.ASCII.GetString(chunk.Span));
        Assert.Equal(["data: 1\n\ndata: 2\n\n"], chunks);
        Assert.Empty(body.WaitingReadSizes);
    }
}
