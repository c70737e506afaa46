using System.Runtime.InteropServices;
using System.Text;

namespace LastKnownGood.Internal;

/// <summary>
/// A service's <c>NOTIFY_SOCKET</c> (systemd's readiness protocol, sd_notify(3)): a Unix-domain
/// datagram socket with SO_PASSCRED, so that each message arrives with the process id the
/// kernel of the operating system vouches for (SCM_CREDENTIALS). One thread of the process reads
/// every notify socket (<see cref="Reader"/>, epoll) and hands each message to <c>onMessage</c>
/// with its sender, so a socket costs no thread of its own and its start waits for none; a
/// message of more than <see cref="MessageCapacity"/> bytes is handed over as null. Descriptors
/// a sender passes along (SCM_RIGHTS) are closed at once: the protocol's file-descriptor store
/// is not offered.
/// </summary>
internal sealed unsafe class NotifySocket : IDisposable
{
    /// <summary>systemd's own bound on one notify message's assignments.</summary>
    public const int MessageCapacity = 4096;

    /// <summary>sockaddr_un's sun_path: 108 bytes, the terminating NUL included.</summary>
    public const int PathCapacity = 108;

    private const int ControlCapacity = 256;
    private const int ControlHeaderSize = 16;

    private static readonly Lazy<Reader> SharedReader = new(() => new Reader());

    private readonly int _fd;
    private readonly Action<string?, int> _onMessage;
    private ulong _token;
    private int _disposed;

    private NotifySocket(string path, int fd, Action<string?, int> onMessage)
    {
        Path = path;
        _fd = fd;
        _onMessage = onMessage;
    }

    public string Path { get; }

    /// <summary>Binds a new socket at <paramref name="path"/>, replacing a stale one, and has the reader read it.</summary>
    /// <exception cref="IOException">The path does not fit <c>sun_path</c>, or a system call failed.</exception>
    public static NotifySocket Open(string path, Action<string?, int> onMessage)
    {
        var length = Encoding.UTF8.GetByteCount(path);
        if (length >= PathCapacity)
        {
            throw new IOException($"the notify socket {path} has a name of {length} bytes, and a Unix-domain socket's name holds at most {PathCapacity - 1}; move the machine directory to a shorter path");
        }

        File.Delete(path);
        var fd = Libc.Socket(Libc.AddressFamilyUnix, Libc.SocketDatagram | Libc.SocketCloseOnExec | Libc.SocketNonBlocking, 0);
        Check(fd, "socket", path);
        var socket = new NotifySocket(path, fd, onMessage);
        try
        {
            var on = 1;
            Check(Libc.SetSocketOption(fd, Libc.SocketLevel, Libc.PassCredentials, &on, sizeof(int)), "setsockopt(SO_PASSCRED)", path);
            var sockaddr = stackalloc byte[sizeof(ushort) + PathCapacity];
            new Span<byte>(sockaddr, sizeof(ushort) + PathCapacity).Clear();
            *(ushort*)sockaddr = Libc.AddressFamilyUnix;
            Encoding.UTF8.GetBytes(path, new Span<byte>(sockaddr + sizeof(ushort), PathCapacity));
            Check(Libc.Bind(fd, sockaddr, sizeof(ushort) + length + 1), "bind", path);
            SharedReader.Value.Add(socket);
        }
        catch
        {
            _ = Libc.Close(fd);
            throw;
        }

        return socket;
    }

    /// <summary>Takes the socket from the reader, which reads it no more once this returns, then closes it and removes its file.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        SharedReader.Value.Remove(this);
        _ = Libc.Close(_fd);
        File.Delete(Path);
    }

    /// <summary>Hands over every datagram waiting on the socket, which never blocks; on the reader's thread.</summary>
    private void Drain(byte* data, byte* control)
    {
        // A handler may dispose of its own socket (on this thread, so Remove does not wait): its descriptor is closed then.
        while (Volatile.Read(ref _disposed) == 0)
        {
            var vector = new Libc.IoVector { Base = (nint)data, Length = MessageCapacity };
            var header = new Libc.MessageHeader { Vector = (nint)(&vector), VectorLength = 1, Control = (nint)control, ControlLength = ControlCapacity };
            var received = Libc.ReceiveMessage(_fd, &header, Libc.MessageCloseOnExec);
            if (received < 0 && Marshal.GetLastPInvokeError() == Libc.ErrorInterrupted)
            {
                continue;
            }

            if (received < 0)
            {
                // EAGAIN: nothing more waits. Any other error of a datagram socket has no message to hand over either.
                return;
            }

            var sender = SenderOf(control, (int)header.ControlLength);
            var truncated = (header.Flags & Libc.MessageTruncated) != 0;
            _onMessage(truncated ? null : Encoding.UTF8.GetString(data, (int)received), sender);
        }
    }

    /// <summary>
    /// The one thread that reads the notify sockets: it waits on all of them in epoll_wait(2) and
    /// drains each that is readable. A socket is known to the epoll set by a token, never reused,
    /// so an event for a socket removed meanwhile finds nothing. <see cref="Remove"/> waits out
    /// a drain of the socket under way, unless it is called from that drain's own handler.
    /// </summary>
    private sealed class Reader
    {
        private const int Capacity = 64;

        /// <summary>struct epoll_event is packed on x86-64 (12 bytes, its data at offset 4) and naturally aligned elsewhere (16 bytes, at 8).</summary>
        private static readonly bool Packed = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;

        private static readonly int EventSize = Packed ? 12 : 16;
        private static readonly int DataOffset = Packed ? 4 : 8;

        private readonly object _gate = new();
        private readonly Dictionary<ulong, NotifySocket> _sockets = [];
        private readonly int _epoll;
        private readonly Thread _thread;
        private ulong _lastToken;
        private ulong _draining;

        public Reader()
        {
            _epoll = Libc.EpollCreate(Libc.EpollCloseOnExec);
            Check(_epoll, "epoll_create1", "readers");
            _thread = new Thread(Read) { IsBackground = true, Name = "notify sockets" };
            _thread.Start();
        }

        public void Add(NotifySocket socket)
        {
            lock (_gate)
            {
                socket._token = ++_lastToken;
                _sockets.Add(socket._token, socket);
            }

            var epollEvent = stackalloc byte[16];
            *(uint*)epollEvent = Libc.EpollIn;
            *(ulong*)(epollEvent + DataOffset) = socket._token;
            if (Libc.EpollControl(_epoll, Libc.EpollAdd, socket._fd, epollEvent) < 0)
            {
                var error = Marshal.GetLastPInvokeErrorMessage();
                lock (_gate)
                {
                    _sockets.Remove(socket._token);
                }

                throw new IOException($"epoll_ctl for the notify socket {socket.Path} failed: {error}");
            }
        }

        public void Remove(NotifySocket socket)
        {
            lock (_gate)
            {
                _sockets.Remove(socket._token);
                _ = Libc.EpollControl(_epoll, Libc.EpollDelete, socket._fd, null);
                while (_draining == socket._token && Environment.CurrentManagedThreadId != _thread.ManagedThreadId)
                {
                    Monitor.Wait(_gate);
                }
            }
        }

        private void Read()
        {
            var events = stackalloc byte[Capacity * 16];
            var buffer = new byte[MessageCapacity];
            var control = new byte[ControlCapacity];
            fixed (byte* data = buffer)
            fixed (byte* controlData = control)
            {
                while (true)
                {
                    var ready = Libc.EpollWait(_epoll, events, Capacity, -1);
                    for (var i = 0; i < ready; i++)
                    {
                        var token = *(ulong*)(events + (i * EventSize) + DataOffset);
                        NotifySocket? socket;
                        lock (_gate)
                        {
                            if (!_sockets.TryGetValue(token, out socket))
                            {
                                continue;
                            }

                            _draining = token;
                        }

                        try
                        {
                            socket.Drain(data, controlData);
                        }
                        finally
                        {
                            lock (_gate)
                            {
                                _draining = 0;
                                Monitor.PulseAll(_gate);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The pid of SCM_CREDENTIALS (0 when absent); closes any descriptors of SCM_RIGHTS.</summary>
    private static int SenderOf(byte* control, int length)
    {
        var sender = 0;
        for (var offset = 0; offset + ControlHeaderSize <= length;)
        {
            var size = (int)*(nuint*)(control + offset);
            var level = *(int*)(control + offset + 8);
            var type = *(int*)(control + offset + 12);
            if (size < ControlHeaderSize || offset + size > length)
            {
                break;
            }

            var payload = control + offset + ControlHeaderSize;
            if (level == Libc.SocketLevel && type == Libc.ControlCredentials && size >= ControlHeaderSize + (3 * sizeof(int)))
            {
                sender = *(int*)payload;
            }
            else if (level == Libc.SocketLevel && type == Libc.ControlRights)
            {
                for (var i = 0; i < (size - ControlHeaderSize) / sizeof(int); i++)
                {
                    _ = Libc.Close(((int*)payload)[i]);
                }
            }

            offset += (size + 7) & ~7;
        }

        return sender;
    }

    private static void Check(int result, string call, string path)
    {
        if (result < 0)
        {
            throw new IOException($"{call} for the notify socket {path} failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }
}
