using System.Security.Cryptography;

using LastKnownGood.Internal;
namespace LastKnownGood.Registry.Internal;

/// <summary>
/// Reads a blob chunk by chunk. Hashes as it goes and throws <see cref="HiveCorruptException"/>
/// at the end if the bytes are not the ones the hash names, or if a chunk is missing or short.
/// </summary>
internal sealed class BlobReadStream(SqliteDatabase database, long blobId, long size, ContentHash expected) : Stream
{
    private readonly IncrementalHash _hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _chunk = new byte[BlobStore.ChunkSize];
    private int _chunkLength;
    private int _chunkOffset;
    private int _nextSeq;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => size;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException("A content blob is read from start to end.");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_chunkOffset == _chunkLength && !NextChunk())
        {
            return 0;
        }

        var count = Math.Min(buffer.Length, _chunkLength - _chunkOffset);
        _chunk.AsSpan(_chunkOffset, count).CopyTo(buffer);
        _chunkOffset += count;
        _position += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A content blob is read from start to end.");

    public override void SetLength(long value) => throw new NotSupportedException("A content blob is immutable.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A content blob is immutable.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hasher.Dispose();
        }

        base.Dispose(disposing);
    }

    private bool NextChunk()
    {
        if (_position >= size)
        {
            Check(_position == size && ContentHash.FromBytes(_hasher.GetHashAndReset()) == expected);
            return false;
        }

        // Read into the one chunk buffer: a blob of any size costs one chunk of memory.
        var rowId = database.Scalar("SELECT rowid FROM blob_chunks WHERE blob = $blob AND seq = $seq", ("$blob", blobId), ("$seq", _nextSeq++));
        _chunkLength = rowId is long row ? database.ReadBlob("blob_chunks", "data", row, _chunk) : 0;
        Check(_chunkLength > 0 && _position + _chunkLength <= size);
        _hasher.AppendData(_chunk, 0, _chunkLength);
        _chunkOffset = 0;
        return true;
    }

    private void Check(bool intact)
    {
        if (!intact)
        {
            throw new HiveCorruptException($"Content blob {expected.ToShortString()} does not match its hash; the hive's copy of this file is damaged.");
        }
    }
}
