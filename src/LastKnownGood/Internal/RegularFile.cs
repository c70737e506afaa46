using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LastKnownGood.Internal;

/// <summary>
/// A file the user named, opened for reading only when its own metadata says it is a regular file
/// no larger than a limit, and read only up to that limit: a FIFO, a device or a directory is
/// refused before it is opened (so nothing blocks and nothing reads forever), and a file that
/// grows past the limit while it is read is refused too.
/// </summary>
internal sealed class RegularFile : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _path;
    private readonly string _what;
    private readonly string _advice;
    private long _read;

    private RegularFile(FileStream stream, long size, long maxSize, string path, string what, string advice)
    {
        _stream = stream;
        Size = size;
        MaxSize = maxSize;
        _path = path;
        _what = what;
        _advice = advice;
    }

    /// <summary>The size the file had when it was opened.</summary>
    public long Size { get; }

    public long MaxSize { get; }

    /// <summary>
    /// Opens <paramref name="path"/>. Failures throw <see cref="LkgException"/> with one sentence
    /// that starts with <paramref name="what"/> (such as "The manifest") and, when the file is too
    /// large, ends with <paramref name="advice"/>.
    /// </summary>
    public static RegularFile Open(string path, long maxSize, string what, string advice)
    {
        var shown = Quote.Short(path);
        if (Libc.Statx(Libc.AtCurrentDirectory, path, 0, Libc.StatxBasicStats, out var before) != 0)
        {
            throw CannotRead(what, shown);
        }

        if (!before.IsRegularFile)
        {
            throw new LkgException(NtStatus.ObjectTypeMismatch, $"{what} {shown} is {before.Kind}, not a regular file; give the path of a regular file.");
        }

        if ((long)before.Size > maxSize)
        {
            throw TooLarge(what, shown, $"is {before.Size:N0} bytes, over the limit of {maxSize:N0}", advice);
        }

        // Non-blocking, so that a FIFO put in the file's place since the check cannot hang the open.
        var fd = Libc.Open(path, Libc.OpenReadOnly | Libc.OpenNonBlocking | Libc.OpenCloseOnExec);
        if (fd < 0)
        {
            throw CannotRead(what, shown);
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Libc.Statx(fd, "", Libc.AtEmptyPath, Libc.StatxBasicStats, out var opened) != 0 || !opened.IsSameFile(before) || !opened.IsRegularFile)
        {
            handle.Dispose();
            throw new LkgException(NtStatus.ObjectTypeMismatch, $"{what} {shown} changed while it was opened; try again when nothing is replacing it.");
        }

        return new RegularFile(new FileStream(handle, FileAccess.Read, bufferSize: 0), (long)opened.Size, maxSize, shown, what, advice);
    }

    /// <summary>Reads into <paramref name="buffer"/>; 0 at the end. Throws once more than <see cref="MaxSize"/> bytes have come.</summary>
    public int Read(Span<byte> buffer)
    {
        // One byte past the limit is enough to know the file grew past it.
        var room = (int)Math.Min(buffer.Length, MaxSize - _read + 1);
        var count = _stream.Read(buffer[..room]);
        _read += count;
        return _read > MaxSize ? throw TooLarge(_what, _path, $"grew past the limit of {MaxSize:N0} bytes while it was read", _advice) : count;
    }

    public void Dispose() => _stream.Dispose();

    private static LkgException CannotRead(string what, string shown) =>
        new(NtStatus.ObjectNameNotFound, $"{what} {shown} cannot be read ({Marshal.GetLastPInvokeErrorMessage().TrimEnd('.')}); check the path.");

    private static LkgException TooLarge(string what, string shown, string problem, string advice) =>
        new(NtStatus.InvalidParameter, $"{what} {shown} {problem}; {advice}.");
}
