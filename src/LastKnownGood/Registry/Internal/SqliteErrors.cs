using Microsoft.Data.Sqlite;

namespace LastKnownGood.Registry.Internal;

/// <summary>The one place that sorts SQLite's errors into transient, corruption and the rest.</summary>
internal static class SqliteErrors
{
    private const int Busy = 5;
    private const int Locked = 6;
    private const int Corrupt = 11;
    private const int NotADatabase = 26;

    public static bool IsTransient(SqliteException e) => e.SqliteErrorCode is Busy or Locked;

    public static bool IsCorruption(SqliteException e) => e.SqliteErrorCode is Corrupt or NotADatabase;

    /// <summary>Turns SQLite's error into the hive's: corruption, a busy machine, or a failed write.</summary>
    public static LkgException Translate(SqliteException e, string path) => e switch
    {
        _ when IsCorruption(e) => new HiveCorruptException($"The hive {path} is damaged ({e.Message.TrimEnd('.')}).", e),
        _ when IsTransient(e) => new LkgException(NtStatus.Timeout,
            $"The hive {path} stayed locked by another process past the busy timeout; try again when it is done.", e),
        _ => new LkgException(NtStatus.Unsuccessful, $"The hive {path} could not be used: {e.Message}", e),
    };
}
