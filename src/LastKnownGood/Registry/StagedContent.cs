using System.Security.Cryptography;
using LastKnownGood.Internal;

namespace LastKnownGood.Registry;

/// <summary>
/// A content file read, size-checked, hashed and copied to a temporary file of the machine before
/// a write begins, so the hive's write transaction never waits on a user's file: it stores the
/// staged copy (<see cref="ControlSetEditor.StoreFile(StagedContent, string)"/>). Disposing removes
/// the temporary file, whatever happened.
/// </summary>
public sealed class StagedContent : IDisposable
{
    private readonly FileStream _copy;
    private bool _moved;

    private StagedContent(FileStream copy, string path, ContentHash hash, long size)
    {
        _copy = copy;
        TemporaryPath = path;
        Hash = hash;
        Size = size;
    }

    public string TemporaryPath { get; }

    public ContentHash Hash { get; }

    public long Size { get; }

    /// <summary>
    /// Copies <paramref name="source"/>, which must be a regular file of at most
    /// <paramref name="maxSize"/> bytes (<c>Control\Recovery\MaxContentSize</c>), to
    /// <paramref name="temporaryPath"/>. Anything else throws <see cref="LkgException"/> with one
    /// sentence, and leaves no temporary file.
    /// </summary>
    public static StagedContent Stage(string source, string temporaryPath, long maxSize)
    {
        using var file = RegularFile.Open(source, maxSize, "The file",
            @"raise Control\Recovery\MaxContentSize (bytes) if it is meant to be this large");
        var copy = StorageError.Translate(temporaryPath, () => new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None));
        try
        {
            using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[256 * 1024];
            long size = 0;
            for (int read; (read = file.Read(buffer)) > 0; size += read)
            {
                hasher.AppendData(buffer, 0, read);
                copy.Write(buffer, 0, read);
            }

            copy.Flush();
            return new StagedContent(copy, temporaryPath, ContentHash.FromBytes(hasher.GetHashAndReset()), size);
        }
        catch (Exception e)
        {
            // Closing flushes what is buffered, which a full disk refuses again.
            try
            {
                copy.Dispose();
            }
            catch (IOException)
            {
                // The bytes are not wanted: the file goes.
            }

            File.Delete(temporaryPath);
            if (e is IOException io && StorageError.TryTranslate(io, temporaryPath, out var failure))
            {
                throw failure;
            }

            throw;
        }
    }

    /// <summary>The staged bytes from the start.</summary>
    internal Stream OpenRead()
    {
        _copy.Position = 0;
        return new NonClosingStream(_copy);
    }

    /// <summary>Makes the staged copy <paramref name="target"/> durably (flushed, then renamed over it).</summary>
    public void MoveTo(string target) => StorageError.Translate(target, () =>
    {
        _copy.Flush(flushToDisk: true);
        _copy.Dispose();
        File.Move(TemporaryPath, target, overwrite: true);
        _moved = true;
        return 0;
    });

    public void Dispose()
    {
        try
        {
            _copy.Dispose();
        }
        catch (IOException) when (!_moved)
        {
            // Unwritten bytes of a copy that is deleted next (a full disk refused them).
        }

        if (!_moved)
        {
            File.Delete(TemporaryPath);
        }
    }

    /// <summary>Lets the blob store read the copy without closing it.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
