using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace LastKnownGood.Internal;

/// <summary>
/// A listening Unix-domain socket made with three system calls. The kernel opens one at every
/// boot; .NET's <c>Socket</c> would load the networking stack first, a third of the kernel's own
/// start-up work after the drivers (bench/README.md, kernel start). Whatever accepts on it later
/// can wrap the descriptor in a <c>Socket</c> through <c>SafeSocketHandle</c>.
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

    /// <summary>sockaddr_un's sun_path: 108 bytes, the terminating NUL included.</summary>
    private const int PathCapacity = 108;

    /// <summary>
    /// Binds a new stream socket to <paramref name="path"/> and listens. The address is the
    /// socket's name under <c>/proc/self/fd/</c> of its directory, which fits <c>sun_path</c>
    /// however long the machine's path is; the file is made in the directory itself.
    /// </summary>
    public static UnixListener Listen(string path, int backlog)
    {
        var directoryPath = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        var directory = Libc.Open(directoryPath, Libc.OpenPath | Libc.OpenDirectory | Libc.OpenCloseOnExec);
        Check(directory, "open", directoryPath);
        try
        {
            var address = $"/proc/self/fd/{directory}/{System.IO.Path.GetFileName(path)}";
            var length = Encoding.UTF8.GetByteCount(address);
            if (length >= PathCapacity)
            {
                throw new IOException($"The socket {path} has a name of {length} bytes; a Unix-domain socket's name holds at most {PathCapacity - 1}.");
            }

            var fd = Libc.Socket(Libc.AddressFamilyUnix, Libc.SocketStream | Libc.SocketCloseOnExec, 0);
            Check(fd, "socket", path);
            var handle = new SafeFileHandle(fd, ownsHandle: true);
            try
            {
                // sockaddr_un: sa_family_t (2 bytes), then the path and its NUL.
                var sockaddr = stackalloc byte[sizeof(ushort) + PathCapacity];
                new Span<byte>(sockaddr, sizeof(ushort) + PathCapacity).Clear();
                *(ushort*)sockaddr = Libc.AddressFamilyUnix;
                Encoding.UTF8.GetBytes(address, new Span<byte>(sockaddr + sizeof(ushort), PathCapacity));
                Check(Libc.Bind(fd, sockaddr, sizeof(ushort) + length + 1), "bind", path);
                Check(Libc.Listen(fd, backlog), "listen", path);
                return new(path, handle);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
        finally
        {
            _ = Libc.Close(directory);
        }
    }

    /// <summary>Closes the socket and removes its file, as .NET's <c>Socket</c> does for a bound Unix-domain endpoint.</summary>
    public void Dispose()
    {
        _handle.Dispose();
        File.Delete(Path);
    }

    private static void Check(int result, string call, string path)
    {
        if (result < 0)
        {
            throw new IOException($"{call} for the socket {path} failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }
}
