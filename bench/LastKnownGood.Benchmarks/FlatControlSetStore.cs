using LastKnownGood.Registry;
using Microsoft.Data.Sqlite;

namespace LastKnownGood.Benchmarks;

/// <summary>
/// The baseline: control sets stored flat, one row per value and one row of bytes per content
/// file, under the hive's SQLite settings (WAL, synchronous=FULL, one connection). Deriving a
/// set models Windows cloning a control set (<c>ControlSet001</c> copied whole into
/// <c>ControlSet002</c>): in one transaction, every row of the <c>Default</c> set is copied into a
/// new set with <c>INSERT … SELECT</c>, the one change is applied to the copy, and the copy
/// becomes <c>Default</c>. Its cost grows with the size of the set, not of the change.
/// </summary>
internal sealed class FlatControlSetStore : IDisposable
{
    private static readonly string[] Schema =
    [
        "CREATE TABLE control_sets (id INTEGER PRIMARY KEY, parent INTEGER)",
        "CREATE TABLE select_sets (id INTEGER PRIMARY KEY CHECK (id = 1), default_set INTEGER NOT NULL)",
        """
        CREATE TABLE registry_values (
            set_id INTEGER NOT NULL, key_path TEXT NOT NULL COLLATE NOCASE, value_name TEXT NOT NULL COLLATE NOCASE,
            kind INTEGER NOT NULL, data BLOB NOT NULL,
            PRIMARY KEY (set_id, key_path, value_name)) WITHOUT ROWID
        """,
        """
        CREATE TABLE file_contents (
            set_id INTEGER NOT NULL, key_path TEXT NOT NULL COLLATE NOCASE, value_name TEXT NOT NULL COLLATE NOCASE,
            data BLOB NOT NULL,
            PRIMARY KEY (set_id, key_path, value_name))
        """,
        "INSERT INTO control_sets (id, parent) VALUES (1, NULL)",
        "INSERT INTO select_sets (id, default_set) VALUES (1, 1)",
    ];

    private readonly SqliteConnection _connection;
    private SqliteTransaction? _transaction;

    private FlatControlSetStore(SqliteConnection connection) => _connection = connection;

    /// <summary>Creates a store whose <c>Default</c> is an empty set 1.</summary>
    public static FlatControlSetStore Create(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        var store = new FlatControlSetStore(connection);
        try
        {
            connection.Open();
            store.Execute("PRAGMA journal_mode = WAL");
            store.Execute("PRAGMA synchronous = FULL");
            store.InTransaction(() =>
            {
                foreach (var statement in Schema)
                {
                    store.Execute(statement);
                }

                return 0;
            });
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    public int Default => Convert.ToInt32(Scalar("SELECT default_set FROM select_sets WHERE id = 1"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Adds values to the <c>Default</c> set in place, in one transaction: the initial load, not a derive.</summary>
    public void AddValues(IEnumerable<(string KeyPath, string Name, RegistryValue Value)> values) => InTransaction(() =>
    {
        using var insert = Command("INSERT INTO registry_values (set_id, key_path, value_name, kind, data) VALUES ($set, $key, $name, $kind, $data)");
        insert.Parameters.AddWithValue("$set", Default);
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var name = insert.Parameters.Add("$name", SqliteType.Text);
        var kind = insert.Parameters.Add("$kind", SqliteType.Integer);
        var data = insert.Parameters.Add("$data", SqliteType.Blob);
        foreach (var value in values)
        {
            key.Value = value.KeyPath;
            name.Value = value.Name;
            kind.Value = (int)value.Value.Kind;
            data.Value = value.Value.Data.ToArray();
            insert.ExecuteNonQuery();
        }

        return 0;
    });

    /// <summary>Adds a content file and its FILE value to the <c>Default</c> set in place: the initial load, not a derive.</summary>
    public void AddFile(string keyPath, string valueName, string fileName, byte[] content) => InTransaction(() =>
    {
        SetFile(Default, keyPath, valueName, fileName, content);
        return 0;
    });

    /// <summary>Derives a set from <c>Default</c> with one value set, and makes it <c>Default</c>.</summary>
    public int DeriveWithValue(string keyPath, string valueName, RegistryValue value) => InTransaction(() =>
    {
        var id = CloneDefault();
        SetValue(id, keyPath, valueName, value);
        return id;
    });

    /// <summary>Derives a set from <c>Default</c> with one content file replaced, and makes it <c>Default</c>.</summary>
    public int DeriveWithFile(string keyPath, string valueName, string fileName, byte[] content) => InTransaction(() =>
    {
        var id = CloneDefault();
        SetFile(id, keyPath, valueName, fileName, content);
        return id;
    });

    /// <summary>Deletes every set but <c>Default</c>, so repeated derives do not grow the database without bound.</summary>
    public void DropAllButDefault() => InTransaction(() =>
    {
        var keep = Default;
        Execute("DELETE FROM file_contents WHERE set_id <> $keep", ("$keep", keep));
        Execute("DELETE FROM registry_values WHERE set_id <> $keep", ("$keep", keep));
        Execute("DELETE FROM control_sets WHERE id <> $keep", ("$keep", keep));
        return 0;
    });

    public long CountValues(int setId) => (long)Scalar("SELECT COUNT(*) FROM registry_values WHERE set_id = $set", ("$set", setId))!;

    public long CountFileBytes(int setId) => (long)Scalar("SELECT COALESCE(SUM(length(data)), 0) FROM file_contents WHERE set_id = $set", ("$set", setId))!;

    public void Dispose() => _connection.Dispose();

    /// <summary>Copies every row of <c>Default</c> into a new set and makes it <c>Default</c>; returns the new set's id.</summary>
    private int CloneDefault()
    {
        var parent = Default;
        var id = Convert.ToInt32(Scalar("SELECT MAX(id) + 1 FROM control_sets"), System.Globalization.CultureInfo.InvariantCulture);
        Execute("INSERT INTO control_sets (id, parent) VALUES ($id, $parent)", ("$id", id), ("$parent", parent));
        Execute(
            """
            INSERT INTO registry_values (set_id, key_path, value_name, kind, data)
            SELECT $id, key_path, value_name, kind, data FROM registry_values WHERE set_id = $parent
            """,
            ("$id", id), ("$parent", parent));
        Execute(
            """
            INSERT INTO file_contents (set_id, key_path, value_name, data)
            SELECT $id, key_path, value_name, data FROM file_contents WHERE set_id = $parent
            """,
            ("$id", id), ("$parent", parent));
        Execute("UPDATE select_sets SET default_set = $id WHERE id = 1", ("$id", id));
        return id;
    }

    private void SetValue(int setId, string keyPath, string valueName, RegistryValue value) => Execute(
        """
        INSERT OR REPLACE INTO registry_values (set_id, key_path, value_name, kind, data)
        VALUES ($set, $key, $name, $kind, $data)
        """,
        ("$set", setId), ("$key", keyPath), ("$name", valueName), ("$kind", (int)value.Kind), ("$data", value.Data.ToArray()));

    /// <summary>Stores the bytes and a FILE value equal to the hive's (hash, size, name), so both stores hold the same registry.</summary>
    private void SetFile(int setId, string keyPath, string valueName, string fileName, byte[] content)
    {
        Execute(
            "INSERT OR REPLACE INTO file_contents (set_id, key_path, value_name, data) VALUES ($set, $key, $name, $data)",
            ("$set", setId), ("$key", keyPath), ("$name", valueName), ("$data", content));
        SetValue(setId, keyPath, valueName, RegistryValue.File(new FileReference(ContentHash.Of(content), content.Length, fileName)));
    }

    private T InTransaction<T>(Func<T> work)
    {
        // BEGIN IMMEDIATE, as the hive's write transaction.
        _transaction = _connection.BeginTransaction(deferred: false);
        try
        {
            var result = work();
            _transaction.Commit();
            return result;
        }
        finally
        {
            _transaction.Dispose();
            _transaction = null;
        }
    }

    private int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteScalar();
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
