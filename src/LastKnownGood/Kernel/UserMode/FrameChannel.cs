using LastKnownGood.Internal;

namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// Frames over one connection: <see cref="Receive"/> from a single reading thread, buffered so
/// that a frame usually costs one recv(2); <see cref="Send"/> from any thread, one whole frame
/// at a time. The channel owns the connection.
/// </summary>
internal sealed class FrameChannel(UnixConnection connection) : IDisposable
{
    private readonly byte[] _buffer = new byte[2 * Frame.MaxSize];
    private readonly Lock _send = new();
    private int _start;
    private int _end;

    public UnixConnection Connection => connection;

    /// <summary>The next frame; null at the end of the stream.</summary>
    /// <exception cref="ProtocolViolationException">The peer sent a frame that is not valid, or ended inside one.</exception>
    /// <exception cref="IOException">The socket failed.</exception>
    public Frame? Receive()
    {
        while (true)
        {
            if (Frame.TryParse(_buffer.AsSpan(_start, _end - _start), out var size) is { } frame)
            {
                _start += size;
                return frame;
            }

            if (_start > 0 && _end + Frame.MaxSize > _buffer.Length)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            var read = connection.Read(_buffer.AsSpan(_end));
            if (read == 0)
            {
                return _end == _start ? null : throw new ProtocolViolationException($"the connection ended inside a frame, {_end - _start} bytes into it");
            }

            _end += read;
        }
    }

    /// <exception cref="IOException">The peer is gone.</exception>
    public void Send(FrameWriter frame, uint? requestId = null)
    {
        lock (_send)
        {
            connection.Write(frame.ToFrame(requestId));
        }
    }

    /// <summary>Wakes the reader (its <see cref="Receive"/> returns null) without closing the descriptor under it.</summary>
    public void Shutdown() => connection.Shutdown();

    public void Dispose() => connection.Dispose();
}
