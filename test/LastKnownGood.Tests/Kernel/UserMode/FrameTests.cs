using System.Buffers.Binary;
using LastKnownGood.Kernel.UserMode;

namespace LastKnownGood.Tests.Kernel.UserMode;

/// <summary>The user-mode driver protocol's frame: written and parsed in one place, every frame bounded.</summary>
public sealed class FrameTests
{
    [Fact]
    public void WrittenFrame_ParsesBack_FieldByField()
    {
        var bytes = new FrameWriter(FrameType.QueryValue, 7).String(@"SYSTEM\Select").String("Default").U64(ulong.MaxValue).Strings(["a", "ü"]).ToFrame().ToArray();

        var frame = Frame.TryParse(bytes, out var size)!;
        var reader = new FrameReader(frame);

        Assert.Equal((FrameType.QueryValue, 7u, bytes.Length), (frame.Type, frame.RequestId, size));
        Assert.Equal(@"SYSTEM\Select", reader.String());
        Assert.Equal("Default", reader.String());
        Assert.Equal(ulong.MaxValue, reader.U64());
        Assert.Equal(["a", "ü"], reader.Strings());
        reader.End();
    }

    [Fact]
    public void PartOfAFrame_IsNotYetAFrame()
    {
        var bytes = new FrameWriter(FrameType.Log, 1).String("hello").ToFrame().ToArray();

        Assert.Null(Frame.TryParse(bytes.AsSpan(0, bytes.Length - 1), out var size));
        Assert.Equal(0, size);
        Assert.Null(Frame.TryParse(bytes.AsSpan(0, 3), out _));
    }

    [Theory]
    [InlineData(Frame.MaxPayload + 1, 7, 0, "a frame announced a payload of 65537 bytes, over the protocol's limit of 65536")]
    [InlineData(0, 99, 0, "a frame has type 99, which the protocol does not have")]
    [InlineData(0, 0, 0, "a frame has type 0, which the protocol does not have")]
    [InlineData(0, 7, 1, "a frame's reserved header field is not zero")]
    public void BadHeader_IsAProtocolViolation(uint length, ushort type, ushort reserved, string sentence)
    {
        var header = new byte[Frame.HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, length);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), reserved);

        var e = Assert.Throws<ProtocolViolationException>(() => Frame.TryParse(header, out _));
        Assert.Equal(sentence, e.Message);
    }

    [Fact]
    public void OversizedPayload_IsNeverWritten()
    {
        var writer = new FrameWriter(FrameType.Log).Bytes(new byte[Frame.MaxPayload]);

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.ToFrame());
    }

    [Theory]
    [InlineData(new byte[] { 9, 0, 0, 0, (byte)'a' }, "a Log frame has a field of 9 bytes, past the end of its payload")]
    [InlineData(new byte[] { 1, 0, 0, 0, 0xFF }, "a Log frame has a string that is not UTF-8")]
    [InlineData(new byte[] { 1, 0, 0, 0, (byte)'a', 0 }, "a Log frame has 1 bytes after its last field")]
    [InlineData(new byte[] { 1, 0 }, "a Log frame has a field that runs past the end of its payload")]
    public void BadPayload_IsAProtocolViolation(byte[] payload, string sentence)
    {
        var e = Assert.Throws<ProtocolViolationException>(() =>
        {
            var reader = new FrameReader(new Frame(FrameType.Log, 1, payload));
            _ = reader.String();
            reader.End();
        });

        Assert.Equal(sentence, e.Message);
    }

    [Fact]
    public void StringListLongerThanItsBytes_IsRefusedBeforeAnythingIsAllocated()
    {
        var e = Assert.Throws<ProtocolViolationException>(() => new FrameReader(new Frame(FrameType.Event, 0, [0xFF, 0xFF, 0xFF, 0xFF])).Strings());

        Assert.Equal("a Event frame has a list of 4294967295 strings, more than its remaining bytes can hold", e.Message);
    }
}
