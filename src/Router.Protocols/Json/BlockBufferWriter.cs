using System.Buffers;

namespace Router.Protocols.Json;

/// <summary>
/// A buffer writer over a list of blocks of its own (below the large-object heap's threshold unless a
/// single request asks for more), so growing never copies what is already written and nothing is
/// left cached in a shared pool. <see cref="ToArray"/> makes the one exact-size copy. Blocks start
/// small and double: most bodies are a few hundred bytes, and a fresh block is zeroed memory paid for
/// on every request.
/// </summary>
public sealed class BlockBufferWriter : IBufferWriter<byte>
{
    private const int FirstBlockSize = 1024;
    private const int BlockSize = 64 * 1024;

    private readonly List<(byte[] Block, int Used)> _full = [];
    private byte[] _current = [];
    private int _used;
    private long _length;

    public void Advance(int count)
    {
        _used += count;
        _length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint).AsMemory(_used);

    public Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).AsSpan(_used);

    private byte[] Reserve(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_current.Length - _used >= needed) return _current;
        if (_used > 0) _full.Add((_current, _used));
        _current = new byte[Math.Max((int)Math.Clamp(_length, FirstBlockSize, BlockSize), needed)];
        _used = 0;
        return _current;
    }

    public byte[] ToArray()
    {
        var result = new byte[_length];
        var offset = 0;
        foreach (var (block, used) in _full.Append((_current, _used)))
        {
            block.AsSpan(0, used).CopyTo(result.AsSpan(offset));
            offset += used;
        }
        return result;
    }
}
