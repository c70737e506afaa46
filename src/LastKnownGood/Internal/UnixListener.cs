using Microsoft.Win32.SafeHandles;

namespace LastKnownGood.Internal;

/// <summary>
/// A listening Unix-domain socket made with three system calls. The kernel opens one at every
/// boot; .NET's <c>Socket</c> would load the networking stack first, a third of the kernel's own
/// start-up work after the drivers (bench/README.md, kernel start). Whatever accepts on it later
/// can wrap the descriptor in a <c>Socket</c> through <c>SafeSocketHandle</c>, or take
/// connections with <see cref="Accept"/>.
/// </summary>
internal sealed unsafe class UnixListener : IDisposable
{
    private readonly SafeFileHandle _handle;

    private UnixListener(string path, SafeFileHandle handle)
    {
        Path = path;
        _handle = handle;
    }

    public string Path { get; }

    /// <summary>
    /// Binds a new stream socket to <paramref name="path"/> and listens. The address is the
    /// socket's name under <c>/proc/self/fd/</c> of its directory (<see cref="UnixAddress"/>);
    /// the file is made in the directory itself.
    /// </summary>
    public static UnixListener Listen(string path, int backlog)
    {
        using var address = new UnixAddress(path);
        var fd = Libc.Socket(Libc.AddressFamilyUnix, Libc.SocketStream | Libc.SocketCloseOnExec, 0);
        SocketCalls.Check(fd, "socket", path);
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            fixed (byte* sockaddr = address.Bytes)
            {
                SocketCalls.Check(Libc.Bind(fd, sockaddr, address.Length), "bind", path);
            }

            SocketCalls.Check(Libc.Listen(fd, backlog), "listen", path);
            return new(path, handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Waits for the next connection; null once <see cref="Close"/> has been called or the socket failed.</summary>
    public UnixConnection? Accept()
    {
        while (true)
        {
            var fd = Libc.Accept((int)_handle.DangerousGetHandle(), null, null, Libc.SocketCloseOnExec);
            if (fd >= 0)
            {
                return new UnixConnection(fd, Path);
            }

            if (System.Runtime.InteropServices.Marshal.GetLastPInvokeError() != Libc.ErrorInterrupted)
            {
                return null;
            }
        }
    }

    /// <summary>Wakes a thread blocked in <see cref="Accept"/> (which then returns null) and refuses new connections.</summary>
    public void Close() => _ = Libc.Shutdown((int)_handle.DangerousGetHandle(), Libc.ShutdownBoth);

    /// <summary>Closes the socket and removes its file, as .NET's <c>Socket</c> does for a bound Unix-domain endpoint.</summary>
    public void Dispose()
    {
        _handle.Dispose();
        File.Delete(Path);
    }
}
