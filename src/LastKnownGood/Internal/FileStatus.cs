using System.Runtime.InteropServices;

namespace LastKnownGood.Internal;

/// <summary>The fields of Linux's <c>struct statx</c> (256 bytes) that deciding whether to read a file needs.</summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct FileStatus
{
    private const ushort TypeMask = 0xF000;

    [FieldOffset(28)]
    public ushort Mode;

    [FieldOffset(32)]
    public ulong Inode;

    [FieldOffset(40)]
    public ulong Size;

    /// <summary><c>stx_ctime</c>: when the file's data or status last changed.</summary>
    [FieldOffset(96)]
    public long ChangeSeconds;

    [FieldOffset(104)]
    public uint ChangeNanoseconds;

    [FieldOffset(136)]
    public uint DeviceMajor;

    [FieldOffset(140)]
    public uint DeviceMinor;

    public readonly bool IsRegularFile => (Mode & TypeMask) == 0x8000;

    /// <summary>The status of what <paramref name="path"/> names, following symbolic links; null when nothing is there.</summary>
    public static FileStatus? Of(string path) =>
        Libc.Statx(Libc.AtCurrentDirectory, path, 0, Libc.StatxBasicStats, out var status) == 0 ? status : null;

    /// <summary>What the file is, in words, for a message that refuses anything but a regular file.</summary>
    public readonly string Kind => (Mode & TypeMask) switch
    {
        0x8000 => "a regular file",
        0x4000 => "a directory",
        0x1000 => "a FIFO",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => "not a regular file",
    };

    public readonly bool IsSameFile(in FileStatus other) =>
        Inode == other.Inode && DeviceMajor == other.DeviceMajor && DeviceMinor == other.DeviceMinor;

    /// <summary>The same file, neither written nor replaced since: a rename over it gives another inode, a write a new change time.</summary>
    public readonly bool IsSameVersion(in FileStatus other) =>
        IsSameFile(other) && Size == other.Size && ChangeSeconds == other.ChangeSeconds && ChangeNanoseconds == other.ChangeNanoseconds;
}
