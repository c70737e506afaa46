using System.Runtime.InteropServices;

namespace UserModeProbe;

/// <summary>
/// Finds the host's connection to the kernel among this process's descriptors (the one connected
/// Unix-domain stream socket) and writes bytes to it directly, past the host's own framing.
/// </summary>
internal static unsafe partial class RawSocket
{
    private const int SocketLevel = 1;
    private const int SocketType = 3;
    private const int AcceptsConnections = 30;
    private const int Domain = 39;

    public static void Write(byte[] bytes)
    {
        var fd = Connection();
        fixed (byte* data = bytes)
        {
            _ = Send(fd, data, bytes.Length, 0x4000);
        }
    }

    private static int Connection()
    {
        foreach (var entry in Directory.GetFiles("/proc/self/fd"))
        {
            var fd = int.Parse(Path.GetFileName(entry), System.Globalization.CultureInfo.InvariantCulture);
            if (Option(fd, Domain) == 1 && Option(fd, SocketType) == 1 && Option(fd, AcceptsConnections) == 0)
            {
                return fd;
            }
        }

        throw new InvalidOperationException("this host has no connected Unix-domain stream socket");
    }

    private static int Option(int fd, int name)
    {
        var value = -1;
        var length = sizeof(int);
        return GetSocketOption(fd, SocketLevel, name, &value, &length) == 0 ? value : -1;
    }

    [LibraryImport("libc", EntryPoint = "getsockopt")]
    private static partial int GetSocketOption(int fd, int level, int name, int* value, int* length);

    [LibraryImport("libc", EntryPoint = "send")]
    private static partial nint Send(int fd, byte* buffer, nint count, int flags);
}
