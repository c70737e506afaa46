using System.Runtime.InteropServices;
using System.Text;

namespace LastKnownGood.Internal;

/// <summary>
/// A service's <c>NOTIFY_SOCKET</c> (systemd's readiness protocol, sd_notify(3)): a Unix-domain
/// datagram socket with SO_PASSCRED, so that each message arrives with the process id the
/// kernel of the operating system vouches for (SCM_CREDENTIALS). One thread reads it and hands
/// every message to <c>onMessage</c> with its sender; a message of more than
/// <see cref="MessageCapacity"/> bytes is handed over as null. Descriptors a sender passes along
/// (SCM_RIGHTS) are closed at once: the protocol's file-descriptor store is not offered.
/// </summary>
internal sealed unsafe class NotifySocket : IDisposable
{
    /// <summary>systemd's own bound on one notify message's assignments.</summary>
    public const int MessageCapacity = 4096;

    /// <summary>sockaddr_un's sun_path: 108 bytes, the terminating NUL included.</summary>
    public const int PathCapacity = 108;

    private const int ControlCapacity = 256;
    private const int ControlHeaderSize = 16;

    private readonly int _fd;
    private readonly Thread _reader;
    private volatile bool _closing;

    private NotifySocket(string path, int fd, Action<string?, int> onMessage)
    {
        Path = path;
        _fd = fd;
        _reader = new Thread(() => Read(onMessage)) { IsBackground = true, Name = $"notify {System.IO.Path.GetFileName(path)}" };
    }

    public string Path { get; }

    /// <summary>Binds a new socket at <paramref name="path"/>, replacing a stale one, and starts reading it.</summary>
    /// <exception cref="IOException">The path does not fit <c>sun_path</c>, or a system call failed.</exception>
    public static NotifySocket Open(string path, Action<string?, int> onMessage)
    {
        var length = Encoding.UTF8.GetByteCount(path);
        if (length >= PathCapacity)
        {
            throw new IOException($"the notify socket {path} has a name of {length} bytes, and a Unix-domain socket's name holds at most {PathCapacity - 1}; move the machine directory to a shorter path");
        }

        File.Delete(path);
        var fd = Libc.Socket(Libc.AddressFamilyUnix, Libc.SocketDatagram | Libc.SocketCloseOnExec, 0);
        Check(fd, "socket", path);
        try
        {
            var on = 1;
            Check(Libc.SetSocketOption(fd, Libc.SocketLevel, Libc.PassCredentials, &on, sizeof(int)), "setsockopt(SO_PASSCRED)", path);
            var sockaddr = stackalloc byte[sizeof(ushort) + PathCapacity];
            new Span<byte>(sockaddr, sizeof(ushort) + PathCapacity).Clear();
            *(ushort*)sockaddr = Libc.AddressFamilyUnix;
            Encoding.UTF8.GetBytes(path, new Span<byte>(sockaddr + sizeof(ushort), PathCapacity));
            Check(Libc.Bind(fd, sockaddr, sizeof(ushort) + length + 1), "bind", path);
        }
        catch
        {
            _ = Libc.Close(fd);
            throw;
        }

        var socket = new NotifySocket(path, fd, onMessage);
        socket._reader.Start();
        return socket;
    }

    /// <summary>Wakes and ends the reading thread, then closes the socket and removes its file.</summary>
    public void Dispose()
    {
        _closing = true;
        _ = Libc.Shutdown(_fd, Libc.ShutdownBoth);
        // The reader returns from recvmsg at once after shutdown(2); the descriptor is closed only after, never under it.
        if (_reader.Join(TimeSpan.FromSeconds(5)))
        {
            _ = Libc.Close(_fd);
        }

        File.Delete(Path);
    }

    private void Read(Action<string?, int> onMessage)
    {
        var buffer = new byte[MessageCapacity];
        var control = new byte[ControlCapacity];
        fixed (byte* data = buffer)
        fixed (byte* controlData = control)
        {
            while (!_closing)
            {
                var vector = new Libc.IoVector { Base = (nint)data, Length = MessageCapacity };
                var header = new Libc.MessageHeader { Vector = (nint)(&vector), VectorLength = 1, Control = (nint)controlData, ControlLength = ControlCapacity };
                var received = Libc.ReceiveMessage(_fd, &header, Libc.MessageCloseOnExec);
                if (received < 0 && Marshal.GetLastPInvokeError() == Libc.ErrorInterrupted)
                {
                    continue;
                }

                if (received < 0 || _closing)
                {
                    return;
                }

                var sender = SenderOf(controlData, (int)header.ControlLength);
                var truncated = (header.Flags & Libc.MessageTruncated) != 0;
                onMessage(truncated ? null : Encoding.UTF8.GetString(data, (int)received), sender);
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
