namespace LastKnownGood.Tests.Support;

/// <summary>A read-only stream of <paramref name="length"/> deterministic bytes, made as it is read: large content without large memory.</summary>
public sealed class PatternStream(long length, byte seed = 0) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public static byte At(long position, byte seed) => (byte)((position * 31) + (position >> 12) + seed);

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = (int)Math.Min(count, length - _position);
        for (var i = 0; i < n; i++)
        {
            buffer[offset + i] = At(_position + i, seed);
        }

        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
