using System.Runtime.InteropServices;
using System.Security.Cryptography;
using LastKnownGood.Internal;
using LastKnownGood.Registry;
using Microsoft.Win32.SafeHandles;

namespace LastKnownGood.Services;

/// <summary>
/// Writes a service's tracked files from the running control set before its process starts
/// (DESIGN §6). Each is checked again by <see cref="TrackedFilePath"/> at that moment, through
/// its directory held open, and then replaced atomically: a temporary file in the same
/// directory, fsynced, renamed over the path (rename never follows a link there), and the
/// directory fsynced. A file already identical is left alone. The new file keeps the mode of
/// the one it replaces, else gets 0644.
/// </summary>
/// <param name="machineRoot">The machine directory: lkg's own, never a service's.</param>
/// <param name="capture">
/// What becomes of a file that a person changed on disk behind the runtime's back: null, it is
/// replaced by the control set's (Classic, and every boot but a normal one); else it is kept, and
/// captured into a tentative set by this (Improved: <c>Kernel.TrackedFileCapture</c>), which
/// returns the set's number, so that a rollback can undo it.
/// </param>
/// <param name="withHive">Reads the hive, under its lock, as of the running control set (the kernel's <c>WithHive</c>).</param>
/// <param name="log">Writes one event-log line.</param>
public sealed class TrackedFileWriter(string machineRoot, Func<string, TrackedFile, Stream, int>? capture, Func<Func<Hive, int, long>, long> withHive, Action<string> log)
{
    private const string TemporarySuffix = ".lkg-new";
    private const int PermissionBits = 0x1FF;

    private const UnixFileMode NewFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Writes every file in order; the first that is refused or cannot be written stops it, with why as a phrase.</summary>
    public NtStatus WriteAll(string service, IReadOnlyList<TrackedFile> files, out string reason)
    {
        foreach (var file in files)
        {
            var status = Write(service, file, out reason);
            if (!status.IsSuccess)
            {
                return status;
            }
        }

        reason = "";
        return NtStatus.Success;
    }

    private NtStatus Write(string service, TrackedFile file, out string reason)
    {
        if (TrackedFilePath.SyntaxRefusal(file.Path) is { } bad)
        {
            return Fail(NtStatus.ObjectNameInvalid, $"its tracked file {bad}", out reason);
        }

        var directoryPath = Path.GetDirectoryName(file.Path)!;
        using var directory = TrackedFilePath.OpenDirectory(directoryPath);
        if (directory is null)
        {
            return Fail(NtStatus.ObjectNameNotFound, $"the directory of its tracked file {Quote.Short(file.Path)} cannot be opened ({Marshal.GetLastPInvokeErrorMessage().TrimEnd('.')}); create {Quote.Short(directoryPath)} before the service starts", out reason);
        }

        // From here on, the file is reached through the opened directory: a link planted in its path since cannot redirect the write.
        var name = Path.GetFileName(file.Path);
        var target = Path.Join(TrackedFilePath.Through(directory), name);
        var existing = TrackedFilePath.LinkStatus(target);
        var refusal = TrackedFilePath.LocationRefusal(file.Path, Path.Join(TrackedFilePath.RealPath(directory), name), RealMachineRoot())
            ?? TrackedFilePath.KindRefusal(file.Path, existing);
        if (refusal is not null)
        {
            return Fail(NtStatus.AccessDenied, $"its tracked file {refusal.TrimEnd('.')}", out reason);
        }

        if (existing is { } same && (long)same.Size == file.Content.Size && HashOf(target) == file.Content.Hash)
        {
            log($"{service}: tracked file {file.Path} is up to date");
            reason = "";
            return NtStatus.Success;
        }

        if (existing is not null && capture is not null)
        {
            using var onDisk = File.OpenRead(target);
            var set = capture(service, file, onDisk);
            log($"{service}: the file on disk at {file.Path} differed from the running control set; captured as ControlSet{set:000}, which the boot now runs on, tentative until accepted");
            reason = "";
            return NtStatus.Success;
        }

        try
        {
            Replace(directory, name, file.Content, existing is { } old ? (UnixFileMode)(old.Mode & PermissionBits) : NewFileMode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var status = e is IOException io && StorageError.FromErrno(io.HResult) is { } storage ? storage : NtStatus.AccessDenied;
            // .NET's message names the temporary file by its /proc path; the error number says the same in the user's terms.
            var why = e is UnauthorizedAccessException ? "Permission denied" : e.HResult is > 0 and < 4096 ? Marshal.GetPInvokeErrorMessage(e.HResult) : e.Message.TrimEnd('.');
            return Fail(status, $"its tracked file {Quote.Short(file.Path)} cannot be written in {Quote.Short(directoryPath)} ({why}); let the kernel's user write there", out reason);
        }

        log($"{service}: wrote tracked file {file.Path} ({file.Content.Size} bytes)");

        reason = "";
        return NtStatus.Success;
    }

    private void Replace(SafeFileHandle directory, string name, FileReference content, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Tracked files are written through /proc/self/fd, which only Linux has.");
        }

        var through = TrackedFilePath.Through(directory);
        var temporary = Path.Join(through, $".{name}{TemporarySuffix}");
        // A leftover of a write that did not finish; unlink(2) removes a link, never what it names.
        File.Delete(temporary);
        try
        {
            // CreateNew is O_CREAT|O_EXCL, which refuses a link planted at the temporary name.
            using (var stream = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode }))
            {
                // Straight from the blob to the file, never whole in memory; a config file holds the hive's lock only briefly.
                withHive((hive, _) =>
                {
                    using var bytes = hive.OpenFile(content);
                    bytes.CopyTo(stream);
                    return stream.Length;
                });
                File.SetUnixFileMode(stream.SafeFileHandle, mode);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path.Join(through, name), overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        DurableDirectory.Flush(through);
    }

    /// <summary>The file's hash; null when it cannot be opened as a regular file without following a link.</summary>
    private static ContentHash? HashOf(string path)
    {
        var fd = Libc.Open(path, Libc.OpenReadOnly | Libc.OpenNoFollow | Libc.OpenNonBlocking | Libc.OpenCloseOnExec);
        if (fd < 0)
        {
            return null;
        }

        using var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
        return ContentHash.FromBytes(SHA256.HashData(stream));
    }

    private string? RealMachineRoot()
    {
        using var root = TrackedFilePath.OpenDirectory(machineRoot);
        return root is null ? Path.GetFullPath(machineRoot) : TrackedFilePath.RealPath(root);
    }

    private static NtStatus Fail(NtStatus status, string why, out string reason)
    {
        reason = why;
        return status;
    }
}
