namespace LastKnownGood.Internal;

/// <summary>
/// One connected Unix-domain stream socket, read and written with recv(2) and send(2). Reads
/// come from one thread; callers serialize their writes.
/// </summary>
internal sealed unsafe class UnixConnection : IDisposable
{
    private readonly int _fd;
    private int _closed;

    internal UnixConnection(int fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Connects to the socket at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">Nothing listens there, or a system call failed.</exception>
    public static UnixConnection Connect(string path)
    {
        using var address = new UnixAddress(path);
        var fd = Libc.Socket(Libc.AddressFamilyUnix, Libc.SocketStream | Libc.SocketCloseOnExec, 0);
        SocketCalls.Check(fd, "socket", path);
        fixed (byte* sockaddr = address.Bytes)
        {
            if (Libc.Connect(fd, sockaddr, address.Length) < 0)
            {
                var error = System.Runtime.InteropServices.Marshal.GetLastPInvokeErrorMessage();
                _ = Libc.Close(fd);
                throw new IOException($"connect for the socket {path} failed: {error}");
            }
        }

        return new(fd, path);
    }

    /// <summary>The process that connected (SO_PEERCRED), as the operating system recorded it at connect(2); 0 if unknown.</summary>
    public int PeerProcessId => Peer()?.ProcessId ?? 0;

    /// <summary>The user the connecting process ran as at connect(2) (SO_PEERCRED); null if unknown.</summary>
    public uint? PeerUserId => Peer()?.UserId;

    private Libc.PeerCredential? Peer()
    {
        Libc.PeerCredential credential;
        var length = sizeof(Libc.PeerCredential);
        return Libc.GetSocketOption(_fd, Libc.SocketLevel, Libc.PeerCredentials, &credential, &length) == 0 ? credential : null;
    }

    /// <summary>Reads what has arrived, at most <paramref name="buffer"/>'s length; 0 at end of stream.</summary>
    /// <exception cref="IOException">The socket failed.</exception>
    public int Read(Span<byte> buffer)
    {
        fixed (byte* data = buffer)
        {
            while (true)
            {
                var received = Libc.Receive(_fd, data, buffer.Length, 0);
                if (received >= 0)
                {
                    return (int)received;
                }

                if (System.Runtime.InteropServices.Marshal.GetLastPInvokeError() != Libc.ErrorInterrupted)
                {
                    SocketCalls.Check(-1, "recv", Path);
                }
            }
        }
    }

    /// <summary>Writes all of <paramref name="data"/>.</summary>
    /// <exception cref="IOException">The peer is gone or the socket failed.</exception>
    public void Write(ReadOnlySpan<byte> data)
    {
        fixed (byte* start = data)
        {
            for (var offset = 0; offset < data.Length;)
            {
                var sent = Libc.Send(_fd, start + offset, data.Length - offset, Libc.SendNoSignal);
                if (sent < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == Libc.ErrorInterrupted)
                {
                    continue;
                }

                SocketCalls.Check((int)Math.Min(sent, 0), "send", Path);
                offset += (int)sent;
            }
        }
    }

    /// <summary>Ends both directions: a thread blocked in <see cref="Read"/> returns 0, the peer reads end of stream.</summary>
    public void Shutdown() => _ = Libc.Shutdown(_fd, Libc.ShutdownBoth);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _ = Libc.Close(_fd);
        }
    }
}
