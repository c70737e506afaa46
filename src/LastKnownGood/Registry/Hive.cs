using LastKnownGood.Internal;
using LastKnownGood.Registry.Internal;

namespace LastKnownGood.Registry;

/// <summary>
/// The machine's registry: immutable control sets stored as hash trees in SQLite (WAL,
/// synchronous=FULL), content files in a blob store, and <c>Select</c>. Every write and every
/// <c>Select</c> transition is one transaction, so a crash leaves the old state or the new one.
/// A hive is used from one thread at a time.
/// </summary>
public sealed partial class Hive : IDisposable
{
    private const int SchemaVersion = 3;
    private const int MaxControlSets = 999;

    private readonly SqliteDatabase _database;
    private readonly NodeStore _nodes;
    private readonly BlobStore _blobs;
    private readonly TimeProvider _time;

    private Hive(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _nodes = new NodeStore(database);
        _blobs = new BlobStore(database);
        _time = time;
    }

    public string Path => _database.Path;

    /// <summary>The hive file's connection, for the other machine records kept in the same file.</summary>
    internal SqliteDatabase Database => _database;

    /// <summary>Creates an empty hive: no control sets, <c>Select</c> all zero. Fails if the file exists.</summary>
    public static Hive Create(string path, TimeProvider time)
    {
        if (File.Exists(path))
        {
            throw new LkgException(NtStatus.ObjectNameCollision, $"A hive already exists at {path}; use it, or delete the machine directory to start again.");
        }

        var hive = new Hive(SqliteDatabase.Open(path, create: true), time);
        try
        {
            hive._database.Write(() =>
            {
                foreach (var statement in Schema)
                {
                    hive._database.Execute(statement);
                }

                hive._database.Execute("INSERT INTO meta (key, value) VALUES ('schema', $v)", ("$v", SchemaVersion));
                hive._database.Execute("INSERT INTO select_sets (id, current, default_set, failed, last_known_good) VALUES (1, 0, 0, 0, 0)");
                return 0;
            });
            return hive;
        }
        catch
        {
            hive.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a hive and verifies the control sets <c>Select</c> names: every key node is hashed
    /// and every content file's presence checked. Damage throws <see cref="HiveCorruptException"/>.
    /// </summary>
    public static Hive Open(string path, TimeProvider time)
    {
        var hive = new Hive(SqliteDatabase.Open(path, create: false), time);
        try
        {
            hive.CheckSchema();
            hive.VerifySelected();
            return hive;
        }
        catch
        {
            hive.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads what can still be read of a damaged hive, without verifying it: its control set
    /// records and <c>Select</c>. Null when even that fails.
    /// </summary>
    public static (IReadOnlyList<ControlSetInfo> ControlSets, Select? Select)? Salvage(string path)
    {
        try
        {
            using var hive = new Hive(SqliteDatabase.Open(path, create: false), TimeProvider.System);
            Select? select = null;
            try
            {
                select = hive.ReadSelect();
            }
            catch (LkgException)
            {
                // The control sets alone are still worth reporting.
            }

            return (hive.ListControlSets(), select);
        }
        catch (LkgException)
        {
            return null;
        }
    }

    public void Dispose() => _database.Dispose();

    private static readonly string[] Schema =
    [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE nodes (hash BLOB PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID",
        "CREATE TABLE blobs (id INTEGER PRIMARY KEY, hash BLOB UNIQUE, size INTEGER NOT NULL)",
        "CREATE TABLE blob_chunks (blob INTEGER NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (blob, seq))",
        """
        CREATE TABLE control_sets (
            id INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 999),
            root BLOB NOT NULL,
            parent INTEGER,
            seq INTEGER NOT NULL UNIQUE,
            created TEXT NOT NULL,
            author TEXT NOT NULL,
            reason TEXT NOT NULL)
        """,
        """
        CREATE TABLE select_sets (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            current INTEGER NOT NULL, default_set INTEGER NOT NULL,
            failed INTEGER NOT NULL, last_known_good INTEGER NOT NULL)
        """,
        "CREATE TABLE hive_recoveries (id INTEGER PRIMARY KEY, time TEXT NOT NULL, reason TEXT NOT NULL, lost TEXT NOT NULL)",
        """
        CREATE TABLE crashes (
            id INTEGER PRIMARY KEY, time TEXT NOT NULL, code INTEGER NOT NULL, parameters TEXT NOT NULL,
            boot INTEGER, control_set INTEGER NOT NULL, component TEXT, exception_type TEXT,
            message TEXT NOT NULL, stack TEXT NOT NULL, events TEXT NOT NULL,
            frames TEXT NOT NULL DEFAULT '[]', pool TEXT, dump TEXT)
        """,
        """
        CREATE TABLE boots (
            number INTEGER PRIMARY KEY, control_set INTEGER NOT NULL, mode TEXT NOT NULL, started TEXT NOT NULL,
            outcome TEXT NOT NULL, kernel_pid INTEGER, ready TEXT, accepted TEXT, ended TEXT, request TEXT,
            asked_for_lkg INTEGER NOT NULL DEFAULT 0, crash INTEGER, reason TEXT NOT NULL, end_reason TEXT)
        """,
    ];

    /// <summary>Schema 2 to 3: crash records gain structured frames, pool evidence and a dump.</summary>
    private static readonly string[] MigrationFrom2 =
    [
        "ALTER TABLE crashes ADD COLUMN frames TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE crashes ADD COLUMN pool TEXT",
        "ALTER TABLE crashes ADD COLUMN dump TEXT",
        "UPDATE meta SET value = '3' WHERE key = 'schema'",
    ];

    private void CheckSchema()
    {
        var version = ReadSchemaVersion();
        if (version is ["2"])
        {
            _database.Write(() =>
            {
                foreach (var statement in MigrationFrom2)
                {
                    _database.Execute(statement);
                }

                return 0;
            });
            version = ReadSchemaVersion();
        }

        if (version is not [var text] || text != SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new HiveCorruptException($"{Path} is not a LastKnownGood hive of schema {SchemaVersion}.");
        }
    }

    private IReadOnlyList<string> ReadSchemaVersion() =>
        _database.Query("SELECT value FROM sqlite_master m JOIN meta ON m.name = 'meta' WHERE key = 'schema'", r => r.GetString(0));
}
