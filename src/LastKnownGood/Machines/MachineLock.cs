using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using LastKnownGood.Internal;
using Microsoft.Win32.SafeHandles;

namespace LastKnownGood.Machines;

/// <summary>
/// The exclusive lock on a machine directory, held by the running boot manager for its whole
/// life. It is two flock(2) locks, taken with LOCK_EX|LOCK_NB on descriptors this object keeps
/// open, which the operating system drops when the holder dies, so a lock left by a dead process
/// is simply taken over:
/// <list type="bullet">
/// <item>on the machine directory itself: the lock that decides. Deleting or replacing
/// <c>machine.lock</c> cannot take it away, since the directory is the machine;</item>
/// <item>on <c>machine.lock</c>, whose content names the holder (process id, since when, command)
/// and which lkg versions that locked only this file also respect.</item>
/// </list>
/// Both are called directly, not through FileStream, so <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c>
/// changes nothing. The holder named in a refusal is the process /proc/locks shows holding the
/// lock; <c>machine.lock</c>'s content only adds to that when it names the same process.
/// </summary>
public sealed class MachineLock : IDisposable
{
    /// <summary>How often a lock that is busy, yet shows no holder in /proc/locks, is tried again before giving up.</summary>
    private const int Attempts = 100;

    /// <summary>rw-r--r--: what open(2) gives <c>machine.lock</c> when it creates it.</summary>
    private const int FileMode = 0b110_100_100;

    private readonly SafeFileHandle _directory;
    private readonly SafeFileHandle _file;
    private readonly string _path;

    private MachineLock(SafeFileHandle directory, SafeFileHandle file, string path) =>
        (_directory, _file, _path) = (directory, file, path);

    /// <summary>The <c>machine.lock</c> this lock holds.</summary>
    public string Path => _path;

    /// <summary>Takes the lock, or says who holds it.</summary>
    public static bool TryAcquire(string path, string command, TimeProvider time,
        [NotNullWhen(true)] out MachineLock? acquired, [NotNullWhen(false)] out LockHolder? holder)
    {
        path = System.IO.Path.GetFullPath(path);
        var root = System.IO.Path.GetDirectoryName(path)!;
        acquired = null;
        for (var attempt = 1; ; attempt++)
        {
            if (TryLock(root, Libc.OpenReadOnly | Libc.OpenDirectory | Libc.OpenCloseOnExec) is not { } directory)
            {
                // The holder may let go between our attempt and the look at who it was: then try again.
                if ((holder = ReadHolder(path)) is not null || (holder = Unseen(attempt)) is not null)
                {
                    return false;
                }

                continue;
            }

            var file = TryLock(path, Libc.OpenReadWrite | Libc.OpenCreate | Libc.OpenCloseOnExec);
            if (file is null || FileIdentity.Of(file) != FileIdentity.Of(path))
            {
                // Busy (an lkg that locks only machine.lock holds it), or replaced between our
                // open and our flock, so that we would hold a file nobody else sees.
                file?.Dispose();
                directory.Dispose();
                if (file is null && ((holder = ReadHolder(path)) is not null || (holder = Unseen(attempt)) is not null))
                {
                    return false;
                }

                continue;
            }

            holder = null;
            acquired = new MachineLock(directory, file, path);
            acquired.WriteHolder(command, time);
            return true;
        }
    }

    public static MachineLock Acquire(string path, string command, TimeProvider time) =>
        TryAcquire(path, command, time, out var acquired, out var holder)
            ? acquired
            : throw new LkgException(NtStatus.AccessDenied,
                $"The machine {System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))} is in use by {holder}; stop that process first or use another --machine.");

    /// <summary>
    /// The process holding the lock now, or null when nobody does. Whether anyone does is a shared
    /// flock tried on each of the two and let go at once; only a held lock is looked up in
    /// /proc/locks, whose cost grows with every lock on the host (10 to 15 ms on a busy one). A boot
    /// manager whose exclusive try meets that probe tries again, as for any lock busy without a holder.
    /// </summary>
    public static LockHolder? ReadHolder(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        var root = System.IO.Path.GetDirectoryName(path)!;
        if (!IsHeld(root) && !IsHeld(path))
        {
            return null;
        }

        var processId = (FileIdentity.Of(root) is { } directory ? FileLocks.FindFlockHolder(directory) : null)
            ?? (FileIdentity.Of(path) is { } file ? FileLocks.FindFlockHolder(file) : null);
        if (processId is not { } holder)
        {
            return null;
        }

        // The content is only a claim: trusted when it names the process the kernel shows holding the lock.
        return Parse(ReadUnlocked(path)) is { } named && named.ProcessId == holder
            ? named
            : new LockHolder(holder, null,
                $"{(holder == 0 ? null : FileLocks.CommandLine(holder)) ?? "command line unknown"}; {System.IO.Path.GetFileName(path)} does not name it");
    }

    /// <summary>
    /// True while <c>machine.lock</c> is still the file this lock holds open: false once it was
    /// deleted or replaced. One fstat and one stat, cheap enough to call on every poll.
    /// </summary>
    public bool StillHeld() => FileIdentity.Of(_file) is { } held && held == FileIdentity.Of(_path);

    public void Dispose()
    {
        _file.Dispose();
        _directory.Dispose();
    }

    /// <summary>Opens <paramref name="path"/> with open(2) and flocks it; null when another process holds it.</summary>
    private static SafeFileHandle? TryLock(string path, int flags)
    {
        var fd = Libc.Open(path, flags, FileMode);
        if (fd < 0 && StorageError.FromErrno(Marshal.GetLastPInvokeError()) is { } storage)
        {
            // A read-only or full file system: no holder will ever let go of that, so no retry.
            throw StorageError.Create(storage, path);
        }

        if (fd < 0)
        {
            throw new LkgException(NtStatus.AccessDenied,
                $"The machine lock {path} cannot be opened ({Marshal.GetLastPInvokeErrorMessage()}); check that the machine directory exists and is writable.");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Libc.Flock(fd, Libc.LockExclusive | Libc.LockNonBlocking) == 0)
        {
            return handle;
        }

        var error = Marshal.GetLastPInvokeError();
        handle.Dispose();
        return error == Libc.ErrorWouldBlock ? null
            : throw new LkgException(NtStatus.AccessDenied, $"The machine lock {path} cannot be taken ({Marshal.GetPInvokeErrorMessage(error)}).");
    }

    /// <summary>True when a process holds an exclusive flock on <paramref name="path"/>, so that a shared one cannot be had; false when it cannot be opened.</summary>
    private static bool IsHeld(string path)
    {
        var fd = Libc.Open(path, Libc.OpenReadOnly | Libc.OpenCloseOnExec);
        if (fd < 0)
        {
            return false;
        }

        // Closing the descriptor lets the probe's shared lock go.
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        return Libc.Flock(fd, Libc.LockShared | Libc.LockNonBlocking) != 0 && Marshal.GetLastPInvokeError() == Libc.ErrorWouldBlock;
    }

    /// <summary>A lock that stays busy while /proc/locks shows nobody holding it: held, by someone that cannot be named.</summary>
    private static LockHolder? Unseen(int attempt) =>
        attempt < Attempts ? null : new LockHolder(0, null, "/proc/locks does not show it");

    private void WriteHolder(string command, TimeProvider time)
    {
        var line = string.Join('\t', Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), command);
        var fd = (int)_file.DangerousGetHandle();
        if (Libc.Truncate(fd, 0) != 0)
        {
            throw new LkgException(NtStatus.Unsuccessful, $"The machine lock {_path} cannot be written ({Marshal.GetLastPInvokeErrorMessage()}).");
        }

        StorageError.Translate(_path, () =>
        {
            RandomAccess.Write(_file, Encoding.UTF8.GetBytes(line + "\n"), 0);
            return 0;
        });
        _ = Libc.Fsync(fd);
    }

    private static LockHolder? Parse(string text)
    {
        var fields = text.TrimEnd('\n').Split('\t', 3);
        return fields.Length == 3
            && int.TryParse(fields[0], CultureInfo.InvariantCulture, out var pid)
            && DateTimeOffset.TryParse(fields[1], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var since)
            ? new LockHolder(pid, since, fields[2])
            : null;
    }

    /// <summary>Reads the lock file with open(2): FileStream would try to lock it, which the holder refuses.</summary>
    private static string ReadUnlocked(string path)
    {
        var fd = Libc.Open(path, Libc.OpenReadOnly | Libc.OpenCloseOnExec);
        if (fd < 0)
        {
            return "";
        }

        using var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
