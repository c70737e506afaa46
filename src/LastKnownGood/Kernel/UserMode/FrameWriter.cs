using System.Buffers.Binary;
using System.Text;

namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// Builds one frame: its fields appended in order (integers little-endian; strings and byte
/// strings as a u32 length, then the bytes; a string list as a u32 count, then the strings), the
/// header written last. <see cref="FrameReader"/> reads them back in the same order.
/// </summary>
internal sealed class FrameWriter(FrameType type, uint requestId = 0)
{
    private byte[] _buffer = new byte[256];
    private int _length = Frame.HeaderSize;

    public FrameType Type => type;

    /// <summary>The payload bytes written so far.</summary>
    public int PayloadLength => _length - Frame.HeaderSize;

    public FrameWriter U32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(Reserve(sizeof(uint)), value);
        return this;
    }

    public FrameWriter U64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(Reserve(sizeof(ulong)), value);
        return this;
    }

    public FrameWriter Bytes(ReadOnlySpan<byte> value)
    {
        U32((uint)value.Length);
        value.CopyTo(Reserve(value.Length));
        return this;
    }

    public FrameWriter String(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        U32((uint)length);
        Encoding.UTF8.GetBytes(value, Reserve(length));
        return this;
    }

    public FrameWriter Strings(IReadOnlyList<string> values)
    {
        U32((uint)values.Count);
        foreach (var value in values)
        {
            String(value);
        }

        return this;
    }

    /// <summary>The whole frame, for request <paramref name="id"/> (or the id given at construction when null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The payload is over <see cref="Frame.MaxPayload"/>: callers bound what they write.</exception>
    public ReadOnlySpan<byte> ToFrame(uint? id = null)
    {
        Frame.WriteHeader(_buffer, type, id ?? requestId, PayloadLength);
        return _buffer.AsSpan(0, _length);
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
