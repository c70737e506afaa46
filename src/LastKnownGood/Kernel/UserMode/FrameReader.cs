using System.Buffers.Binary;
using System.Text;

namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// Reads the fields of one frame's payload in the order <see cref="FrameWriter"/> wrote them. A
/// field that runs past the payload, a string that is not UTF-8, or bytes left over at
/// <see cref="End"/> is a <see cref="ProtocolViolationException"/>.
/// </summary>
internal ref struct FrameReader(Frame frame)
{
    private readonly ReadOnlySpan<byte> _payload = frame.Payload;
    private readonly FrameType _type = frame.Type;
    private int _offset;

    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(sizeof(uint)));

    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(sizeof(ulong)));

    public byte[] Bytes() => Take(Length()).ToArray();

    public string String()
    {
        var bytes = Take(Length());
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Violation("a string that is not UTF-8");
        }
    }

    public string[] Strings()
    {
        // Each string takes at least its 4-byte length: a larger count cannot be true.
        var count = U32();
        if (count > (uint)(_payload.Length - _offset) / sizeof(uint))
        {
            throw Violation($"a list of {count} strings, more than its remaining bytes can hold");
        }

        var values = new string[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = String();
        }

        return values;
    }

    /// <summary>Checks that every byte of the payload was read.</summary>
    public readonly void End()
    {
        if (_offset != _payload.Length)
        {
            throw Violation($"{_payload.Length - _offset} bytes after its last field");
        }
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private int Length()
    {
        var length = U32();
        return length <= (uint)(_payload.Length - _offset) ? (int)length : throw Violation($"a field of {length} bytes, past the end of its payload");
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _payload.Length - _offset)
        {
            throw Violation("a field that runs past the end of its payload");
        }

        var span = _payload.Slice(_offset, count);
        _offset += count;
        return span;
    }

    private readonly ProtocolViolationException Violation(string what) => new($"a {_type} frame has {what}");
}
