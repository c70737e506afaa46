using Microsoft.Win32.SafeHandles;

namespace LastKnownGood.Internal;

/// <summary>
/// Makes a rename inside a directory durable. POSIX persists a rename only once the directory
/// itself is fsynced, and .NET refuses to open a directory as a file, so this calls open(2).
/// </summary>
internal static class DurableDirectory
{
    /// <summary>Best effort: a directory that cannot be opened is left as the file system keeps it.</summary>
    public static void Flush(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Libc.Open(path, Libc.OpenReadOnly | Libc.OpenCloseOnExec);
        if (fd < 0)
        {
            return;
        }

        // The handle closes the descriptor, whatever fsync says.
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        _ = Libc.Fsync(fd);
    }
}
