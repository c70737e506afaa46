using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LastKnownGood.Drivers.Internal;

/// <summary>
/// Makes a rename inside a directory durable. POSIX persists a rename only once the directory
/// itself is fsynced, and .NET refuses to open a directory as a file, so this calls open(2).
/// </summary>
internal static partial class DurableDirectory
{
    private const int OpenReadOnly = 0;
    private const int OpenCloseOnExec = 0x80000;

    /// <summary>Best effort: a directory that cannot be opened is left as the file system keeps it.</summary>
    public static void Flush(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(path, OpenReadOnly | OpenCloseOnExec);
        if (fd < 0)
        {
            return;
        }

        // The handle closes the descriptor, whatever fsync says.
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        _ = Fsync(fd);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);
}
