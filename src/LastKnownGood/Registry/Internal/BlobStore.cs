using System.Security.Cryptography;

using LastKnownGood.Internal;
namespace LastKnownGood.Registry.Internal;

/// <summary>
/// Content files, addressed by SHA-256 and stored in chunks, so a file of any size streams in
/// and out through one chunk-sized buffer and never sits whole in memory.
/// </summary>
internal sealed class BlobStore(SqliteDatabase database)
{
    public const int ChunkSize = 256 * 1024;

    /// <summary>Stores <paramref name="content"/> (inside the caller's write transaction) and returns its hash and size.</summary>
    public (ContentHash Hash, long Size) Put(Stream content)
    {
        var id = (long)database.Scalar("INSERT INTO blobs (hash, size) VALUES (NULL, 0) RETURNING id")!;
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ChunkSize];
        long size = 0;
        for (var seq = 0; ; seq++)
        {
            var filled = content.ReadAtLeast(buffer, ChunkSize, throwOnEndOfStream: false);
            if (filled == 0)
            {
                break;
            }

            hasher.AppendData(buffer, 0, filled);
            // A parameter binds a whole array, so the last, shorter chunk gets its own.
            var chunk = filled == ChunkSize ? buffer : buffer[..filled];
            database.Execute("INSERT INTO blob_chunks (blob, seq, data) VALUES ($blob, $seq, $data)",
                ("$blob", id), ("$seq", seq), ("$data", chunk));
            size += filled;
        }

        var hash = ContentHash.FromBytes(hasher.GetHashAndReset());
        if (Exists(hash))
        {
            Delete(id);
        }
        else
        {
            database.Execute("UPDATE blobs SET hash = $hash, size = $size WHERE id = $id",
                ("$hash", hash.ToArray()), ("$size", size), ("$id", id));
        }

        return (hash, size);
    }

    public bool Exists(ContentHash hash) => Find(hash) is not null;

    /// <summary>The stored size, or null when no blob has this hash.</summary>
    public long? SizeOf(ContentHash hash) =>
        database.Scalar("SELECT size FROM blobs WHERE hash = $hash", ("$hash", hash.ToArray())) is long size ? size : null;

    /// <summary>Opens a blob for reading; the stream checks the hash when it reaches the end.</summary>
    public Stream OpenRead(ContentHash hash)
    {
        var (id, size) = Find(hash) ?? throw new HiveCorruptException($"Content blob {hash.ToShortString()} is missing from the hive.");
        return new BlobReadStream(database, id, size, hash);
    }

    /// <summary>Reads a whole blob through its checking stream: corruption surfaces as an exception.</summary>
    public void Verify(ContentHash hash)
    {
        using var stream = OpenRead(hash);
        stream.CopyTo(Stream.Null, ChunkSize);
    }

    public void Delete(long id)
    {
        database.Execute("DELETE FROM blob_chunks WHERE blob = $id", ("$id", id));
        database.Execute("DELETE FROM blobs WHERE id = $id", ("$id", id));
    }

    private (long Id, long Size)? Find(ContentHash hash) =>
        database.Query("SELECT id, size FROM blobs WHERE hash = $hash", r => (r.GetInt64(0), r.GetInt64(1)), ("$hash", hash.ToArray()))
            is [var row] ? row : null;
}
