using System.Text;

namespace LastKnownGood.Internal;

/// <summary>
/// A Unix-domain socket's address for a path of any length: the socket's name under
/// <c>/proc/self/fd/</c> of an open descriptor of its directory, which fits <c>sun_path</c>'s
/// 108 bytes however long the machine's path is. Dispose it once bound or connected.
/// </summary>
internal sealed class UnixAddress : IDisposable
{
    /// <summary>sockaddr_un's sun_path: 108 bytes, the terminating NUL included.</summary>
    private const int PathCapacity = 108;

    private readonly int _directory;
    private readonly byte[] _sockaddr = new byte[sizeof(ushort) + PathCapacity];

    /// <exception cref="IOException">The directory cannot be opened.</exception>
    public UnixAddress(string path)
    {
        var directoryPath = Path.GetDirectoryName(Path.GetFullPath(path))!;
        _directory = Libc.Open(directoryPath, Libc.OpenPath | Libc.OpenDirectory | Libc.OpenCloseOnExec);
        SocketCalls.Check(_directory, "open", directoryPath);
        var address = $"/proc/self/fd/{_directory}/{Path.GetFileName(path)}";
        var length = Encoding.UTF8.GetByteCount(address);
        if (length >= PathCapacity)
        {
            _ = Libc.Close(_directory);
            throw new IOException($"The socket {path} has a name of {length} bytes; a Unix-domain socket's name holds at most {PathCapacity - 1}.");
        }

        // sockaddr_un: sa_family_t (2 bytes), then the path and its NUL.
        BitConverter.TryWriteBytes(_sockaddr, (ushort)Libc.AddressFamilyUnix);
        Encoding.UTF8.GetBytes(address, _sockaddr.AsSpan(sizeof(ushort)));
        Length = sizeof(ushort) + length + 1;
    }

    /// <summary>The bytes of the sockaddr_un to pass to bind(2) or connect(2).</summary>
    public ReadOnlySpan<byte> Bytes => _sockaddr;

    public int Length { get; }

    public void Dispose() => _ = Libc.Close(_directory);
}
