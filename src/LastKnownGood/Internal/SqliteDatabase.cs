using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace LastKnownGood.Internal;

/// <summary>
/// One SQLite connection to the machine database (WAL, synchronous=FULL) and its write transaction. Every
/// statement goes through here, so SQLite's errors are translated in one place.
/// </summary>
internal sealed unsafe class SqliteDatabase : IDisposable
{
    /// <summary>Times are stored as round-trip text ("O"): exact, sortable, and readable in the SQLite shell.</summary>
    public const string TimeFormat = "O";

    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(10);

    private nint _db;

    private SqliteDatabase(string path, nint db)
    {
        Path = path;
        _db = db;
    }

    public string Path { get; }

    /// <summary>Whether a write transaction is open on this connection: SQLite's own answer, since outside one a connection is in autocommit mode.</summary>
    public bool InTransaction => Sqlite.GetAutocommit(Connection) == 0;

    /// <summary>
    /// The open connection. SQLite as shipped does not check its arguments: a closed connection
    /// passed to it would crash the process rather than fail, so every use goes through here.
    /// </summary>
    private nint Connection => _db != 0 ? _db : throw new ObjectDisposedException(nameof(SqliteDatabase), $"The hive {Path} is closed.");

    /// <summary>Opens (or creates) a database in WAL mode with synchronous=FULL.</summary>
    public static SqliteDatabase Open(string path, bool create)
    {
        var database = Connect(path, create ? Sqlite.OpenReadWrite | Sqlite.OpenCreate : Sqlite.OpenReadWrite);
        try
        {
            database.Check(Sqlite.BusyTimeout(database.Connection, (int)BusyTimeout.TotalMilliseconds));
            database.SwitchToWal();
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens an existing database as it is: no journal mode is set, so reading it changes no byte
    /// of it. <paramref name="readOnly"/> also keeps SQLite from rolling back a journal left behind.
    /// </summary>
    public static SqliteDatabase OpenUnchanged(string path, bool readOnly)
    {
        var database = Connect(path, readOnly ? Sqlite.OpenReadOnly : Sqlite.OpenReadWrite);
        try
        {
            database.Check(Sqlite.BusyTimeout(database.Connection, (int)BusyTimeout.TotalMilliseconds));
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>WAL and synchronous=FULL: what every connection that may write uses (DESIGN §4).</summary>
    public void SwitchToWal()
    {
        Execute("PRAGMA journal_mode = WAL");
        Execute("PRAGMA synchronous = FULL");
    }

    private static SqliteDatabase Connect(string path, int flags)
    {
        var status = Sqlite.Open(path, out var db, flags, 0);
        // SQLite hands back a connection even when opening fails; it must be closed all the same.
        var database = new SqliteDatabase(path, db);
        if (status != Sqlite.Ok)
        {
            using (database)
            {
                database.Check(status);
            }
        }

        return database;
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction (BEGIN IMMEDIATE): all of it commits or none.</summary>
    public T Write<T>(Func<T> work)
    {
        if (InTransaction)
        {
            throw new InvalidOperationException("The hive does not nest write transactions.");
        }

        Execute("BEGIN IMMEDIATE");
        try
        {
            var result = work();
            Execute("COMMIT");
            return result;
        }
        catch
        {
            // SQLite has already rolled back after some errors (a full disk, for one).
            if (InTransaction)
            {
                Execute("ROLLBACK");
            }

            throw;
        }
    }

    /// <summary>Runs every statement of <paramref name="sql"/>; returns the rows they inserted, updated or deleted.</summary>
    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        var before = Sqlite.TotalChanges(Connection);
        Run(sql, parameters, null);
        return Sqlite.TotalChanges(Connection) - before;
    }

    /// <summary>The first column of the first row, or null when there is no row or it is NULL.</summary>
    public object? Scalar(string sql, params (string Name, object? Value)[] parameters) =>
        Query(sql, row => row.GetValue(0), parameters) is [var first, ..] ? first : null;

    public List<T> Query<T>(string sql, Func<SqliteRow, T> map, params (string Name, object? Value)[] parameters)
    {
        var rows = new List<T>();
        Run(sql, parameters, row => rows.Add(map(row)));
        return rows;
    }

    /// <summary>
    /// The rows of one statement, mapped as they are enumerated: nothing is kept, and a caller that
    /// stops early reads no further. The statement stays open until the enumeration ends, so the
    /// caller reads the rows of one snapshot; it must not write on this connection meanwhile.
    /// </summary>
    public IEnumerable<T> Stream<T>(string sql, Func<SqliteRow, T> map, params (string Name, object? Value)[] parameters)
    {
        var deadline = Deadline();
        var statement = PrepareOne(sql, deadline);
        try
        {
            Bind(statement, parameters);
            var row = new SqliteRow(statement);
            var mapped = false;
            int status;
            while ((status = Sqlite.Step(statement)) != Sqlite.Done)
            {
                if (status == Sqlite.Row)
                {
                    mapped = true;
                    yield return map(row);
                }
                else if (!mapped && Retry(status, deadline))
                {
                    // Only before the first row: starting again after one would hand it out twice.
                    Sqlite.Reset(statement);
                }
                else
                {
                    Check(status);
                }
            }
        }
        finally
        {
            Sqlite.Finalize(statement);
        }
    }

    /// <summary>
    /// Reads a BLOB column of one row into <paramref name="buffer"/> with SQLite's incremental
    /// I/O, which allocates nothing. Returns the bytes read, or -1 when the value is larger than the buffer.
    /// </summary>
    public int ReadBlob(string table, string column, long rowId, byte[] buffer)
    {
        Check(Sqlite.BlobOpen(Connection, "main", table, column, rowId, 0, out var blob));
        try
        {
            var length = Sqlite.BlobBytes(blob);
            if (length > buffer.Length)
            {
                return -1;
            }

            fixed (byte* destination = buffer)
            {
                Check(Sqlite.BlobRead(blob, destination, length, 0));
            }

            return length;
        }
        finally
        {
            Sqlite.BlobClose(blob);
        }
    }

    /// <summary>Copies a consistent snapshot of the hive to <paramref name="destination"/> with SQLite's online backup.</summary>
    public void BackupTo(string destination)
    {
        using var target = Connect(destination, Sqlite.OpenReadWrite | Sqlite.OpenCreate);
        var backup = Sqlite.BackupInit(target.Connection, "main", Connection, "main");
        if (backup == 0)
        {
            target.Check(Sqlite.ExtendedErrorCode(target.Connection));
        }

        // A failed step leaves its error, and its message, on the destination's connection.
        Sqlite.BackupStep(backup, -1);
        target.Check(Sqlite.BackupFinish(backup));
    }

    public void Dispose()
    {
        // Closing rolls back a transaction still open.
        Sqlite.Close(_db);
        _db = 0;
    }

    /// <summary>
    /// Prepares and runs each statement of <paramref name="sql"/> in turn, binding its parameters by
    /// name, and calls <paramref name="onRow"/> for each row. SQLite's busy handler waits for a lock
    /// up to the busy timeout; what it does not cover (a schema change, a shared lock) is retried here
    /// until the same timeout.
    /// </summary>
    private void Run(string sql, (string Name, object? Value)[] parameters, Action<SqliteRow>? onRow)
    {
        var text = Encoding.UTF8.GetBytes(sql + '\0');
        fixed (byte* start = text)
        {
            var next = start;
            while (*next != 0)
            {
                var deadline = Deadline();
                var statement = Prepare(next, deadline, out var tail);
                int status;
                if (statement == 0)
                {
                    break; // only whitespace or a comment was left
                }

                try
                {
                    Bind(statement, parameters);
                    var row = new SqliteRow(statement);
                    while ((status = Sqlite.Step(statement)) != Sqlite.Done)
                    {
                        if (status == Sqlite.Row)
                        {
                            onRow?.Invoke(row);
                        }
                        else if (Retry(status, deadline))
                        {
                            Sqlite.Reset(statement);
                        }
                        else
                        {
                            Check(status);
                        }
                    }
                }
                finally
                {
                    Sqlite.Finalize(statement);
                }

                next = tail;
            }
        }
    }

    /// <summary>Prepares <paramref name="sql"/>, which must be exactly one statement, retrying a busy schema until <paramref name="deadline"/>.</summary>
    private nint PrepareOne(string sql, long deadline)
    {
        var text = Encoding.UTF8.GetBytes(sql.Trim() + '\0');
        fixed (byte* start = text)
        {
            var statement = Prepare(start, deadline, out var tail);
            if (statement == 0 || *tail != 0)
            {
                Sqlite.Finalize(statement);
                throw new ArgumentException("Give exactly one statement to stream.", nameof(sql));
            }

            return statement;
        }
    }

    /// <summary>Prepares the first statement of <paramref name="sql"/>, retrying a busy schema until <paramref name="deadline"/>; 0 when only whitespace or a comment is left.</summary>
    private nint Prepare(byte* sql, long deadline, out byte* tail)
    {
        int status;
        nint statement;
        do
        {
            status = Sqlite.Prepare(Connection, sql, -1, out statement, out tail);
        }
        while (Retry(status, deadline));

        Check(status);
        return statement;
    }

    private static long Deadline() => Stopwatch.GetTimestamp() + (long)(BusyTimeout.TotalSeconds * Stopwatch.Frequency);

    private static bool Retry(int status, long deadline)
    {
        if ((status & 0xFF) is not (Sqlite.Busy or Sqlite.Locked) || Stopwatch.GetTimestamp() >= deadline)
        {
            return false;
        }

        Thread.Sleep(10);
        return true;
    }

    private void Bind(nint statement, (string Name, object? Value)[] parameters)
    {
        for (var index = 1; index <= Sqlite.ParameterCount(statement); index++)
        {
            var name = Marshal.PtrToStringUTF8((nint)Sqlite.ParameterName(statement, index));
            var found = IndexOf(parameters, name);
            if (found < 0)
            {
                throw new InvalidOperationException($"No value is given for the parameter {name}.");
            }

            Check(parameters[found].Value switch
            {
                null => Sqlite.BindNull(statement, index),
                bool value => Sqlite.BindInt64(statement, index, value ? 1 : 0),
                int value => Sqlite.BindInt64(statement, index, value),
                long value => Sqlite.BindInt64(statement, index, value),
                double value => Sqlite.BindDouble(statement, index, value),
                string value => Bind(statement, index, Encoding.UTF8.GetBytes(value), text: true),
                DateTimeOffset value => Bind(statement, index, Encoding.UTF8.GetBytes(value.ToString(TimeFormat, CultureInfo.InvariantCulture)), text: true),
                byte[] value => Bind(statement, index, value, text: false),
                var value => throw new ArgumentException($"The hive does not store a {value.GetType().Name} ({name})."),
            });
        }
    }

    /// <summary>A loop, not <c>Array.FindIndex</c>: that, over a tuple, is compiled just in time at every start.</summary>
    private static int IndexOf((string Name, object? Value)[] parameters, string? name)
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static int Bind(nint statement, int index, byte[] value, bool text)
    {
        byte empty = 0;
        fixed (byte* pinned = value)
        {
            // An empty array pins as a null pointer, which SQLite would bind as NULL.
            var data = value.Length == 0 ? &empty : pinned;
            return text
                ? Sqlite.BindText(statement, index, data, value.Length, Sqlite.Transient)
                : Sqlite.BindBlob(statement, index, data, value.Length, Sqlite.Transient);
        }
    }

    /// <summary>
    /// Turns a failed call's status into the hive's error: corruption, a storage failure
    /// (<see cref="StorageError"/>: busy past the timeout, a full disk, a read-only file system, an
    /// I/O error), or a failed use.
    /// </summary>
    private void Check(int status)
    {
        if (status is Sqlite.Ok or Sqlite.Row or Sqlite.Done)
        {
            return;
        }

        var message = _db != 0
            ? Marshal.PtrToStringUTF8((nint)Sqlite.ErrorMessage(_db))
            : Marshal.PtrToStringUTF8((nint)Sqlite.ErrorString(status));
        throw (status & 0xFF) switch
        {
            Sqlite.Corrupt or Sqlite.NotADatabase => new HiveCorruptException($"The hive {Path} is damaged ({message})."),
            Sqlite.Busy or Sqlite.Locked => StorageError.Create(NtStatus.IoTimeout, Path),
            Sqlite.Full => StorageError.Create(NtStatus.DiskFull, Path),
            Sqlite.ReadOnly => StorageError.Create(NtStatus.MediaWriteProtected, Path),
            // SQLite reports the file system's refusals as I/O errors or failed opens; its errno says which.
            Sqlite.IoError or Sqlite.CantOpen when StorageError.FromErrno(_db != 0 ? Sqlite.SystemErrno(_db) : 0) is { } storage
                => StorageError.Create(storage, Path),
            Sqlite.IoError => StorageError.Create(NtStatus.IoDeviceError, Path),
            _ => new LkgException(NtStatus.Unsuccessful, $"The hive {Path} could not be used: {message} (SQLite error {status})."),
        };
    }
}
