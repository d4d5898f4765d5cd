using System.Buffers;

namespace Router.Http.Body;

/// <summary>
/// A request body held in 64 KiB blocks rented from the shared pool, so a large body never becomes
/// one large-object-heap array; the blocks go back to the pool on Dispose.
/// </summary>
public sealed class PooledBody : IDisposable
{
    private const int BlockSize = 64 * 1024;

    private readonly List<byte[]> _blocks = [];
    private int _usedInLast = BlockSize;

    public long Length { get; private set; }

    public static async Task<PooledBody> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        var pooled = new PooledBody();
        try
        {
            while (true)
            {
                if (pooled._usedInLast == BlockSize)
                {
                    pooled._blocks.Add(ArrayPool<byte>.Shared.Rent(BlockSize));
                    pooled._usedInLast = 0;
                }
                var read = await body.ReadAsync(pooled._blocks[^1].AsMemory(pooled._usedInLast, BlockSize - pooled._usedInLast), cancellationToken);
                if (read == 0) return pooled;
                pooled._usedInLast += read;
                pooled.Length += read;
            }
        }
        catch
        {
            pooled.Dispose();
            throw;
        }
    }

    /// <summary>The bytes read, as one sequence over the blocks (no copy).</summary>
    public ReadOnlySequence<byte> Sequence
    {
        get
        {
            if (_blocks.Count == 0) return ReadOnlySequence<byte>.Empty;
            var first = new Segment(_blocks[0].AsMemory(0, _blocks.Count == 1 ? _usedInLast : BlockSize), 0);
            var last = first;
            for (var i = 1; i < _blocks.Count; i++)
                last = last.Append(_blocks[i].AsMemory(0, i == _blocks.Count - 1 ? _usedInLast : BlockSize));
            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }
    }

    public void Dispose()
    {
        foreach (var block in _blocks) ArrayPool<byte>.Shared.Return(block);
        _blocks.Clear();
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
