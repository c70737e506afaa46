using System.Buffers.Binary;

namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// One frame of the user-mode driver protocol, the only place its layout is written and parsed:
/// a 12-byte header — payload length (u32), type (u16), reserved zero (u16), request id (u32),
/// little-endian — then at most <see cref="MaxPayload"/> bytes of payload (<see cref="FrameReader"/>).
/// </summary>
internal sealed record Frame(FrameType Type, uint RequestId, byte[] Payload)
{
    public const int HeaderSize = 12;

    /// <summary>The largest payload a frame may carry; a header announcing more is a protocol violation.</summary>
    public const int MaxPayload = 64 * 1024;

    public const int MaxSize = HeaderSize + MaxPayload;

    /// <summary>
    /// Parses the frame at the start of <paramref name="buffer"/>. Returns null when the buffer
    /// holds only part of it (<paramref name="size"/> is then 0); otherwise the frame and its size.
    /// </summary>
    /// <exception cref="ProtocolViolationException">The header is not one of a valid frame; nothing after it can be trusted.</exception>
    public static Frame? TryParse(ReadOnlySpan<byte> buffer, out int size)
    {
        size = 0;
        if (buffer.Length < HeaderSize)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        var type = BinaryPrimitives.ReadUInt16LittleEndian(buffer[4..]);
        if (length > MaxPayload)
        {
            throw new ProtocolViolationException($"a frame announced a payload of {length} bytes, over the protocol's limit of {MaxPayload}");
        }

        if (type is 0 or > (ushort)FrameType.ServiceStop)
        {
            throw new ProtocolViolationException($"a frame has type {type}, which the protocol does not have");
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(buffer[6..]) != 0)
        {
            throw new ProtocolViolationException("a frame's reserved header field is not zero");
        }

        if (buffer.Length < HeaderSize + (int)length)
        {
            return null;
        }

        size = HeaderSize + (int)length;
        return new((FrameType)type, BinaryPrimitives.ReadUInt32LittleEndian(buffer[8..]), buffer[HeaderSize..size].ToArray());
    }

    /// <summary>Writes a header for a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, FrameType type, uint requestId, int payloadLength)
    {
        if (payloadLength is < 0 or > MaxPayload)
        {
            throw new ArgumentOutOfRangeException(nameof(payloadLength), payloadLength, $"a frame's payload holds at most {MaxPayload} bytes");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)payloadLength);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], (ushort)type);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], requestId);
    }
}
