using System.Diagnostics.CodeAnalysis;
using LastKnownGood.Internal;

namespace LastKnownGood;

/// <summary>
/// An operation on a machine failed for a reason the user can act on. The message is one
/// sentence that says what was wrong and what to do; the command line prints it as it is.
/// </summary>
public class LkgException(NtStatus status, string message, Exception? inner = null) : Exception(message, inner)
{
    public NtStatus Status { get; } = status;

    /// <summary>
    /// The machine's storage could not take a write now: busy past its timeout, full, read-only,
    /// or failing. Nothing was written (every write is one transaction or a renamed temporary
    /// file), and the same write may succeed later; the boot manager waits these out.
    /// </summary>
    public bool IsWriteFailure => IsTransient || Status == NtStatus.DiskFull || Status == NtStatus.MediaWriteProtected || Status == NtStatus.IoDeviceError;

    /// <summary>
    /// A write failure that passes by itself (another process holds the hive), as opposed to one
    /// that needs a person (a full disk, a read-only or failing file system).
    /// </summary>
    public bool IsTransient => Status == NtStatus.IoTimeout;

    /// <summary>An I/O error that is a storage failure of <paramref name="path"/> (a full disk, a read-only file system, EIO) as its one-sentence exception.</summary>
    public static bool TryFromStorage(IOException e, string path, [NotNullWhen(true)] out LkgException? failure) =>
        StorageError.TryTranslate(e, path, out failure);
}
