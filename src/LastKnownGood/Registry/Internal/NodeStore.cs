using LastKnownGood.Internal;
namespace LastKnownGood.Registry.Internal;

/// <summary>
/// Key nodes by hash. Every node read from the database is hashed and compared with its
/// address before it is used; decoded nodes are cached, which is safe because they never change.
/// </summary>
/// <remarks>
/// The cache is keyed by the hash's first 32 bits and each entry holds its whole hash, which a
/// hit must match: two nodes with the same first bits take turns, and a node is never mistaken
/// for another. Not a dictionary keyed by <see cref="ContentHash"/>: ReadyToRun cannot compile the
/// framework's dictionary over a struct of ours, so every start of the kernel compiled it.
/// </remarks>
internal sealed class NodeStore(SqliteDatabase database)
{
    private const int CacheLimit = 200_000;

    private readonly Dictionary<int, CachedNode> _cache = [];

    public KeyNode Load(ContentHash hash) =>
        _cache.TryGetValue(hash.Prefix, out var cached) && cached.Hash == hash ? cached.Node : LoadVerified(hash);

    /// <summary>Reads and checks a node from the database, bypassing the cache.</summary>
    public KeyNode LoadVerified(ContentHash hash) => Remember(hash, ReadChecked(hash));

    private KeyNode ReadChecked(ContentHash hash)
    {
        var data = database.Scalar("SELECT data FROM nodes WHERE hash = $hash", ("$hash", hash.ToArray())) as byte[]
            ?? throw new HiveCorruptException($"Key node {hash.ToShortString()} is missing from the hive.");
        if (ContentHash.Of(data) != hash)
        {
            throw new HiveCorruptException($"Key node {hash.ToShortString()} does not match its hash.");
        }

        return KeyNode.Decode(data, hash);
    }

    /// <summary>
    /// Stores a node (a no-op when an equal node exists) and returns its address. It always asks
    /// the database: a cached node may have been collected since by another process's hive.
    /// </summary>
    public ContentHash Save(KeyNode node)
    {
        var data = node.Encode();
        var hash = ContentHash.Of(data);
        database.Execute("INSERT OR IGNORE INTO nodes (hash, data) VALUES ($hash, $data)", ("$hash", hash.ToArray()), ("$data", data));
        Remember(hash, node);
        return hash;
    }

    /// <summary>Forgets every cached node, after a rollback left nodes that were never committed.</summary>
    public void Clear() => _cache.Clear();

    /// <summary>Forgets the nodes a collection deleted.</summary>
    public void Forget(IEnumerable<ContentHash> deleted)
    {
        foreach (var hash in deleted)
        {
            if (_cache.TryGetValue(hash.Prefix, out var cached) && cached.Hash == hash)
            {
                _cache.Remove(hash.Prefix);
            }
        }
    }

    private KeyNode Remember(ContentHash hash, KeyNode node)
    {
        if (_cache.Count >= CacheLimit)
        {
            _cache.Clear();
        }

        _cache[hash.Prefix] = new(hash, node);
        return node;
    }

    private sealed record CachedNode(ContentHash Hash, KeyNode Node);
}
