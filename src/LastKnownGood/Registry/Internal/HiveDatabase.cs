using Microsoft.Data.Sqlite;

namespace LastKnownGood.Registry.Internal;

/// <summary>
/// The hive's one SQLite connection (WAL, synchronous=FULL) and its write transaction. Every
/// command goes through here, so SQLite's errors are translated in one place.
/// </summary>
internal sealed class HiveDatabase : IDisposable
{
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(10);

    private readonly SqliteConnection _connection;
    private SqliteTransaction? _transaction;

    private HiveDatabase(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    public string Path { get; }

    public static HiveDatabase Open(string path, bool create)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            // Without pooling, Dispose closes the file: a corrupt hive can be moved aside at once.
            Pooling = false,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        };
        var connection = new SqliteConnection(builder.ToString());
        var database = new HiveDatabase(path, connection);
        try
        {
            connection.Open();
            database.Execute($"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}");
            database.Execute("PRAGMA journal_mode = WAL");
            database.Execute("PRAGMA synchronous = FULL");
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction (BEGIN IMMEDIATE): all of it commits or none.</summary>
    public T Write<T>(Func<T> work)
    {
        if (_transaction is not null)
        {
            throw new InvalidOperationException("The hive does not nest write transactions.");
        }

        _transaction = Run(() => _connection.BeginTransaction(deferred: false));
        try
        {
            var result = work();
            Run(_transaction.Commit);
            return result;
        }
        catch
        {
            _transaction.Rollback();
            throw;
        }
        finally
        {
            _transaction.Dispose();
            _transaction = null;
        }
    }

    public int Execute(string sql, params (string Name, object? Value)[] parameters) => Run(() =>
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    });

    /// <summary>The first column of the first row, or null when there is no row or it is NULL.</summary>
    public object? Scalar(string sql, params (string Name, object? Value)[] parameters) => Run(() =>
    {
        using var command = Command(sql, parameters);
        return command.ExecuteScalar() is { } value and not DBNull ? value : null;
    });

    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters) =>
        Run(() =>
        {
            using var command = Command(sql, parameters);
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(map(reader));
            }

            return rows;
        });

    /// <summary>
    /// Reads a BLOB column of one row into <paramref name="buffer"/> with SQLite's incremental
    /// I/O: unlike a data reader, which materializes the whole value, this allocates nothing.
    /// Returns the bytes read, or -1 when the value is larger than the buffer.
    /// </summary>
    public int ReadBlob(string table, string column, long rowId, byte[] buffer) => Run(() =>
    {
        using var blob = new SqliteBlob(_connection, table, column, rowId, readOnly: true);
        if (blob.Length > buffer.Length)
        {
            return -1;
        }

        blob.ReadExactly(buffer, 0, (int)blob.Length);
        return (int)blob.Length;
    });

    /// <summary>Copies a consistent snapshot of the hive to <paramref name="destination"/> with SQLite's online backup.</summary>
    public void BackupTo(string destination) => Run(() =>
    {
        using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Pooling = false }.ToString());
        target.Open();
        _connection.BackupDatabase(target);
        return 0;
    });

    public void Dispose()
    {
        _transaction?.Dispose();
        _connection.Dispose();
    }

    private SqliteCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private T Run<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException e)
        {
            throw SqliteErrors.Translate(e, Path);
        }
    }

    private void Run(Action action) => Run(() =>
    {
        action();
        return 0;
    });
}
