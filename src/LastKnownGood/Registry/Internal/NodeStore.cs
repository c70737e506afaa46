using LastKnownGood.Internal;
namespace LastKnownGood.Registry.Internal;

/// <summary>
/// Key nodes by hash. Every node read from the database is hashed and compared with its
/// address before it is used; decoded nodes are cached, which is safe because they never change.
/// </summary>
internal sealed class NodeStore(SqliteDatabase database)
{
    private const int CacheLimit = 200_000;

    private readonly Dictionary<ContentHash, KeyNode> _cache = [];

    public KeyNode Load(ContentHash hash) =>
        _cache.TryGetValue(hash, out var node) ? node : LoadVerified(hash);

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
            _cache.Remove(hash);
        }
    }

    private KeyNode Remember(ContentHash hash, KeyNode node)
    {
        if (_cache.Count >= CacheLimit)
        {
            _cache.Clear();
        }

        _cache[hash] = node;
        return node;
    }
}
