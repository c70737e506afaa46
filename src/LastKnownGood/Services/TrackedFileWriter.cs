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
/// the one it replaces, else gets 0644. One writer serves a kernel's services, and, with a
/// capture, watches the files it wrote.
/// </summary>
/// <param name="machineRoot">The machine directory: lkg's own, never a service's.</param>
/// <param name="capture">
/// What becomes of a file that a person changed on disk behind the runtime's back: null, it is
/// replaced by the control set's (Classic, and every boot but a normal one); else it is kept and
/// captured (Improved: <c>Kernel.TrackedFileCapture</c>), before the service starts and, through
/// <see cref="CaptureChanged"/>, while it runs, so that a rollback can undo it.
/// </param>
/// <param name="withHive">Reads the hive, under its lock, as of the running control set (the kernel's <c>WithHive</c>).</param>
/// <param name="log">Writes one event-log line.</param>
public sealed class TrackedFileWriter(string machineRoot, TrackedFileCapture? capture, Func<Func<Hive, int, long>, long> withHive, Action<string> log)
{
    private const string TemporarySuffix = ".lkg-new";
    private const int PermissionBits = 0x1FF;

    private const UnixFileMode NewFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>With a capture, each file written, by service, with what was on disk when last looked at.</summary>
    private readonly List<Watched> _watched = [];

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

            if (capture is not null)
            {
                lock (_watched)
                {
                    _watched.Add(new Watched(service, file.Path) { Seen = TrackedFilePath.LinkStatus(file.Path) });
                }
            }
        }

        reason = "";
        return NtStatus.Success;
    }

    /// <summary>
    /// Looks at every file written so far (a stat each): one that changed on disk since is checked
    /// as when it was written, and handed to the capture's <see cref="TrackedFileCapture.WhileRunning"/>.
    /// A file that was deleted is written again by the next boot; one refused is logged, not read.
    /// </summary>
    public void CaptureChanged()
    {
        Watched[] watched;
        lock (_watched)
        {
            watched = [.. _watched];
        }

        foreach (var file in watched)
        {
            var now = TrackedFilePath.LinkStatus(file.Path);
            if (now is { } n ? file.Seen is { } seen && n.IsSameVersion(seen) : file.Seen is null)
            {
                continue;
            }

            file.Seen = now;
            if (now is null)
            {
                log($"{file.Service}: its tracked file {file.Path} was deleted on disk; the next boot writes it again from its control set");
                continue;
            }

            if (!Locate(file.Path, out var located, out var reason).IsSuccess)
            {
                NotCaptured(file, reason);
                continue;
            }

            using (located.Directory)
            {
                try
                {
                    using var onDisk = File.OpenRead(located.Target);
                    if (capture!.WhileRunning(file.Service, file.Path, onDisk) is { } set)
                    {
                        log($"{file.Service}: the file on disk at {file.Path} changed while it ran; captured as ControlSet{set:000}, the Default the next boot runs on, tentative until accepted; {file.Service} and this boot go on with what it read at its start");
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or LkgException)
                {
                    NotCaptured(file, e.Message);
                }
            }
        }
    }

    private void NotCaptured(Watched file, string why) =>
        log($"{file.Service}: its tracked file {file.Path} changed on disk and is not captured: {why}");

    private NtStatus Write(string service, TrackedFile file, out string reason)
    {
        var status = Locate(file.Path, out var located, out reason);
        if (!status.IsSuccess)
        {
            return status;
        }

        using var directory = located.Directory;
        var (target, existing) = (located.Target, located.Existing);
        if (existing is { } same && (long)same.Size == file.Content.Size && HashOf(target) == file.Content.Hash)
        {
            log($"{service}: tracked file {file.Path} is up to date");
            reason = "";
            return NtStatus.Success;
        }

        if (existing is not null && capture is not null)
        {
            using var onDisk = File.OpenRead(target);
            var set = capture.AtStart(service, file, onDisk);
            log($"{service}: the file on disk at {file.Path} differed from the running control set; captured as ControlSet{set:000}, which the boot now runs on, tentative until accepted");
            reason = "";
            return NtStatus.Success;
        }

        try
        {
            Replace(directory, Path.GetFileName(file.Path), file.Content, existing is { } old ? (UnixFileMode)(old.Mode & PermissionBits) : NewFileMode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var failed = e is IOException io && StorageError.FromErrno(io.HResult) is { } storage ? storage : NtStatus.AccessDenied;
            // .NET's message names the temporary file by its /proc path; the error number says the same in the user's terms.
            var why = e is UnauthorizedAccessException ? "Permission denied" : e.HResult is > 0 and < 4096 ? Marshal.GetPInvokeErrorMessage(e.HResult) : e.Message.TrimEnd('.');
            return Fail(failed, $"its tracked file {Quote.Short(file.Path)} cannot be written in {Quote.Short(Path.GetDirectoryName(file.Path)!)} ({why}); let the kernel's user write there", out reason);
        }

        log($"{service}: wrote tracked file {file.Path} ({file.Content.Size} bytes)");

        reason = "";
        return NtStatus.Success;
    }

    /// <summary>
    /// The checks of <paramref name="path"/> at the moment it is used: its syntax, its directory held
    /// open, where it really is, and what is there now. From then on, the file is reached through
    /// the opened directory: a link planted in its path since cannot redirect a write or a read.
    /// </summary>
    private NtStatus Locate(string path, out Located located, out string reason)
    {
        located = default;
        if (TrackedFilePath.SyntaxRefusal(path) is { } bad)
        {
            return Fail(NtStatus.ObjectNameInvalid, $"its tracked file {bad}", out reason);
        }

        var directoryPath = Path.GetDirectoryName(path)!;
        var directory = TrackedFilePath.OpenDirectory(directoryPath);
        if (directory is null)
        {
            return Fail(NtStatus.ObjectNameNotFound, $"the directory of its tracked file {Quote.Short(path)} cannot be opened ({Marshal.GetLastPInvokeErrorMessage().TrimEnd('.')}); create {Quote.Short(directoryPath)} before the service starts", out reason);
        }

        var name = Path.GetFileName(path);
        var target = Path.Join(TrackedFilePath.Through(directory), name);
        var existing = TrackedFilePath.LinkStatus(target);
        var refusal = TrackedFilePath.LocationRefusal(path, Path.Join(TrackedFilePath.RealPath(directory), name), RealMachineRoot())
            ?? TrackedFilePath.KindRefusal(path, existing);
        if (refusal is not null)
        {
            directory.Dispose();
            return Fail(NtStatus.AccessDenied, $"its tracked file {refusal.TrimEnd('.')}", out reason);
        }

        located = new Located(directory, target, existing);
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

    /// <summary>A checked tracked file: its directory held open, its path through it, and what is there now.</summary>
    private readonly record struct Located(SafeFileHandle Directory, string Target, FileStatus? Existing);

    private sealed class Watched(string service, string path)
    {
        public string Service { get; } = service;

        public string Path { get; } = path;

        public FileStatus? Seen { get; set; }
    }

    private static NtStatus Fail(NtStatus status, string why, out string reason)
    {
        reason = why;
        return status;
    }
}
