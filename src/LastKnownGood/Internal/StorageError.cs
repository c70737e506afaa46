using System.Diagnostics.CodeAnalysis;

namespace LastKnownGood.Internal;

/// <summary>
/// The one place where the machine's storage failures get their status and their sentence, from
/// SQLite's result codes and from the operating system's error numbers alike: busy past the
/// timeout (transient, <see cref="NtStatus.IoTimeout"/>), and the failures a person must fix: a
/// full disk (<see cref="NtStatus.DiskFull"/>), a read-only file system
/// (<see cref="NtStatus.MediaWriteProtected"/>), a failing device (<see cref="NtStatus.IoDeviceError"/>).
/// <see cref="LkgException.IsWriteFailure"/> and <see cref="LkgException.IsTransient"/> classify them.
/// </summary>
internal static class StorageError
{
    private const int Eio = 5;
    private const int Enospc = 28;
    private const int Erofs = 30;
    private const int Edquot = 122;

    /// <summary>The status of an operating system error number, or null for one that is no storage failure.</summary>
    public static NtStatus? FromErrno(int errno) => errno switch
    {
        Enospc or Edquot => NtStatus.DiskFull,
        Erofs => NtStatus.MediaWriteProtected,
        Eio => NtStatus.IoDeviceError,
        _ => null,
    };

    /// <summary>One sentence for a storage failure of <paramref name="path"/>: what is wrong and what to do.</summary>
    public static LkgException Create(NtStatus status, string path, Exception? inner = null) => new(status, status.Value switch
    {
        0xC000007F => $"The disk holding {path} is full; free some space on it, then try again.",
        0xC00000A2 => $"{path} is on a read-only file system; remount it read-write (or use another --machine), then try again.",
        0xC00000B5 => $"The hive {path} stayed locked by another process past the busy timeout; try again when it is done.",
        _ => $"The device holding {path} failed a read or write (an I/O error); check the disk (dmesg names it), then try again.",
    }, inner);

    /// <summary>
    /// An <see cref="IOException"/> of a file of the machine as its storage failure. .NET on Unix
    /// keeps the error number in <see cref="Exception.HResult"/>.
    /// </summary>
    public static bool TryTranslate(IOException e, string path, [NotNullWhen(true)] out LkgException? failure)
    {
        failure = FromErrno(e.HResult) is { } status ? Create(status, path, e) : null;
        return failure is not null;
    }

    /// <summary>Runs a file operation, turning a storage failure into its <see cref="LkgException"/>.</summary>
    public static T Translate<T>(string path, Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (IOException e) when (TryTranslate(e, path, out var failure))
        {
            throw failure;
        }
    }

}
