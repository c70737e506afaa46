using Microsoft.Win32.SafeHandles;

namespace LastKnownGood.Internal;

/// <summary>
/// What a file is, whatever its path: its device (major, minor) and inode, as stat(2) gives
/// them. A path whose identity is no longer its open descriptor's was deleted or replaced.
/// </summary>
internal readonly record struct FileIdentity(uint DeviceMajor, uint DeviceMinor, ulong Inode)
{
    /// <summary>The file at <paramref name="path"/> now (stat), or null when there is none.</summary>
    public static FileIdentity? Of(string path) => Read(Libc.AtCurrentDirectory, path, 0);

    /// <summary>The file an open descriptor refers to (fstat), even after its path was deleted.</summary>
    public static FileIdentity? Of(SafeFileHandle handle) => Read((int)handle.DangerousGetHandle(), "", Libc.AtEmptyPath);

    /// <summary>How /proc/locks writes it: <c>major:minor:inode</c>, the device numbers in hexadecimal.</summary>
    public override string ToString() => $"{DeviceMajor:x2}:{DeviceMinor:x2}:{Inode}";

    private static FileIdentity? Read(int directory, string path, int flags) =>
        Libc.Statx(directory, path, flags, Libc.StatxBasicStats, out var status) == 0 ? new(status.DeviceMajor, status.DeviceMinor, status.Inode) : null;
}
