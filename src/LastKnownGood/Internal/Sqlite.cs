using System.Runtime.InteropServices;

namespace LastKnownGood.Internal;

/// <summary>
/// SQLite's C API, the part the hive uses, called directly. The native library is the one
/// SQLitePCLRaw.lib.e_sqlite3 ships. The marshalling is source-generated, so ReadyToRun compiles it
/// with the rest of the runtime: an ADO.NET provider cost every kernel start about 19 ms of
/// loading before the first query (bench/README.md, kernel start).
/// </summary>
internal static unsafe partial class Sqlite
{
    public const int Ok = 0;
    public const int Busy = 5;
    public const int Locked = 6;
    public const int ReadOnly = 8;
    public const int IoError = 10;
    public const int Corrupt = 11;
    public const int Full = 13;
    public const int CantOpen = 14;
    public const int NotADatabase = 26;
    public const int Row = 100;
    public const int Done = 101;

    public const int OpenReadOnly = 0x1;
    public const int OpenReadWrite = 0x2;
    public const int OpenCreate = 0x4;

    public const int IntegerColumn = 1;
    public const int FloatColumn = 2;
    public const int TextColumn = 3;
    public const int BlobColumn = 4;
    public const int NullColumn = 5;

    /// <summary>SQLITE_TRANSIENT: SQLite copies a bound value before the call returns.</summary>
    public static readonly nint Transient = -1;

    private const string Library = "e_sqlite3";

    [LibraryImport(Library, EntryPoint = "sqlite3_open_v2", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, out nint db, int flags, nint vfs);

    [LibraryImport(Library, EntryPoint = "sqlite3_close_v2")]
    public static partial int Close(nint db);

    [LibraryImport(Library, EntryPoint = "sqlite3_busy_timeout")]
    public static partial int BusyTimeout(nint db, int milliseconds);

    [LibraryImport(Library, EntryPoint = "sqlite3_extended_errcode")]
    public static partial int ExtendedErrorCode(nint db);

    [LibraryImport(Library, EntryPoint = "sqlite3_system_errno")]
    public static partial int SystemErrno(nint db);

    [LibraryImport(Library, EntryPoint = "sqlite3_errmsg")]
    public static partial byte* ErrorMessage(nint db);

    [LibraryImport(Library, EntryPoint = "sqlite3_errstr")]
    public static partial byte* ErrorString(int code);

    [LibraryImport(Library, EntryPoint = "sqlite3_get_autocommit")]
    public static partial int GetAutocommit(nint db);

    [LibraryImport(Library, EntryPoint = "sqlite3_total_changes")]
    public static partial int TotalChanges(nint db);

    [LibraryImport(Library, EntryPoint = "sqlite3_prepare_v2")]
    public static partial int Prepare(nint db, byte* sql, int length, out nint statement, out byte* tail);

    [LibraryImport(Library, EntryPoint = "sqlite3_step")]
    public static partial int Step(nint statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_reset")]
    public static partial int Reset(nint statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_finalize")]
    public static partial int Finalize(nint statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_parameter_count")]
    public static partial int ParameterCount(nint statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_parameter_name")]
    public static partial byte* ParameterName(nint statement, int index);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_int64")]
    public static partial int BindInt64(nint statement, int index, long value);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_double")]
    public static partial int BindDouble(nint statement, int index, double value);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_text")]
    public static partial int BindText(nint statement, int index, byte* utf8, int length, nint destructor);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_blob")]
    public static partial int BindBlob(nint statement, int index, byte* data, int length, nint destructor);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_null")]
    public static partial int BindNull(nint statement, int index);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_type")]
    public static partial int ColumnType(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_int64")]
    public static partial long ColumnInt64(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_double")]
    public static partial double ColumnDouble(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_count")]
    public static partial int ColumnCount(nint statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_name")]
    public static partial byte* ColumnName(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_text")]
    public static partial byte* ColumnText(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_blob")]
    public static partial byte* ColumnBlob(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_bytes")]
    public static partial int ColumnBytes(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_blob_open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int BlobOpen(nint db, string database, string table, string column, long rowId, int writable, out nint blob);

    [LibraryImport(Library, EntryPoint = "sqlite3_blob_bytes")]
    public static partial int BlobBytes(nint blob);

    [LibraryImport(Library, EntryPoint = "sqlite3_blob_read")]
    public static partial int BlobRead(nint blob, byte* buffer, int length, int offset);

    [LibraryImport(Library, EntryPoint = "sqlite3_blob_close")]
    public static partial int BlobClose(nint blob);

    [LibraryImport(Library, EntryPoint = "sqlite3_backup_init", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint BackupInit(nint destination, string destinationName, nint source, string sourceName);

    [LibraryImport(Library, EntryPoint = "sqlite3_backup_step")]
    public static partial int BackupStep(nint backup, int pages);

    [LibraryImport(Library, EntryPoint = "sqlite3_backup_finish")]
    public static partial int BackupFinish(nint backup);
}
