using System.Text.Json;
using LastKnownGood.Internal;
using LastKnownGood.Registry;

namespace LastKnownGood.Diagnostics;

/// <summary>
/// Crash records, kept in the machine's hive file beside the registry (everything durable is
/// there). Appending opens its own connection, so a bug check can write its record whatever
/// state the kernel's other connections are in.
/// </summary>
public static class CrashLog
{
    /// <summary>Writes a record durably (synchronous=FULL) and returns its id.</summary>
    public static long Append(string hivePath, CrashRecord record)
    {
        // The kernel's hive is already at this lkg's schema; a crash record is never the reason to migrate.
        using var database = MachineDatabase.Open(hivePath, migrate: false);
        return database.Write(() => Insert(database, record));
    }

    /// <summary>Writes a record on the hive's own connection, in a transaction of its own, and returns its id.</summary>
    public static long Append(Hive hive, CrashRecord record) => hive.Database.Write(() => Insert(hive.Database, record));

    /// <summary>Writes a record inside the caller's transaction, sealed.</summary>
    internal static long Insert(SqliteDatabase database, CrashRecord record)
    {
        var id = InsertUnsealed(database, record);
        RowCheck.Seal(database, Table, id);
        return id;
    }

    private static long InsertUnsealed(SqliteDatabase database, CrashRecord record) => (long)database.Scalar(
        """
        INSERT INTO crashes (time, code, parameters, boot, control_set, component, exception_type, message, stack, events, frames, pool, dump)
        VALUES ($time, $code, $parameters, $boot, $set, $component, $type, $message, $stack, $events, $frames, $pool, $dump) RETURNING id
        """,
        ("$time", record.Time),
        ("$code", (long)record.Code),
        ("$parameters", JsonSerializer.Serialize([.. record.Parameters], CrashJson.Default.UInt64Array)),
        ("$boot", record.Boot),
        ("$set", record.ControlSet),
        ("$component", record.Component),
        ("$type", record.ExceptionType),
        ("$message", record.Message),
        ("$stack", record.Stack),
        ("$events", JsonSerializer.Serialize([.. record.LastEvents], CrashJson.Default.StringArray)),
        ("$frames", JsonSerializer.Serialize([.. record.Frames], CrashJson.Default.CrashFrameArray)),
        ("$pool", record.Pool is null ? null : JsonSerializer.Serialize(record.Pool, CrashJson.Default.PoolEvidence)),
        ("$dump", record.Dump))!;

    /// <summary>Names the dump the boot manager wrote for crash <paramref name="id"/>, once the record is durable.</summary>
    public static void SetDump(Hive hive, long id, string dump) =>
        hive.Database.Write(() => RowCheck.Update(hive.Database, Table, id, "UPDATE crashes SET dump = $dump WHERE id = $id", ("$id", id), ("$dump", dump)));

    /// <summary>Crash <paramref name="id"/>, if the log has it and it verifies.</summary>
    public static CrashRecord? Get(Hive hive, long id) =>
        hive.Database.Query($"{Columns} WHERE id = $id", Read, ("$id", id)) is [{ Value: { } record }] ? record : null;

    /// <summary>The newest crash record that verifies, if the log has any; the damaged rows newer than it go to <paramref name="damaged"/>.</summary>
    public static CrashRecord? Newest(Hive hive, ICollection<DamagedRow>? damaged = null)
    {
        foreach (var row in hive.Database.Stream($"{Columns} ORDER BY id DESC", Read))
        {
            if (row.Value is { } crash)
            {
                return crash;
            }

            damaged?.Add(row.Damage!);
        }

        return null;
    }

    /// <summary>Every crash record that verifies, oldest first.</summary>
    public static IReadOnlyList<CrashRecord> List(Hive hive) => ReadAll(hive).Crashes;

    /// <summary>Every crash record, oldest first: those that verify, and those set aside as damaged.</summary>
    public static (IReadOnlyList<CrashRecord> Crashes, IReadOnlyList<DamagedRow> Damaged) ReadAll(Hive hive)
    {
        var rows = hive.Database.Query($"{Columns} ORDER BY id", Read);
        return ([.. rows.Select(r => r.Value).OfType<CrashRecord>()], [.. rows.Select(r => r.Damage).OfType<DamagedRow>()]);
    }

    /// <summary>The crash records of the boots numbered <paramref name="first"/> to <paramref name="last"/>, oldest first: those that verify, and those set aside as damaged.</summary>
    public static IReadOnlyList<RowRead<CrashRecord>> ReadForBoots(Hive hive, int first, int last) =>
        hive.Database.Query($"{Columns} WHERE boot BETWEEN $first AND $last ORDER BY id", Read, ("$first", first), ("$last", last));

    /// <summary>The newest crash record of boot <paramref name="boot"/> that verifies, if it has one; its damaged ones go to <paramref name="damaged"/>.</summary>
    public static CrashRecord? FindForBoot(Hive hive, int boot, ICollection<DamagedRow>? damaged = null)
    {
        var rows = ReadForBoots(hive, boot, boot);
        foreach (var row in rows.Where(r => r.Damage is not null))
        {
            damaged?.Add(row.Damage!);
        }

        return rows.Select(r => r.Value).OfType<CrashRecord>().LastOrDefault();
    }

    private const string Table = "crashes";

    private const string Columns = "SELECT id, time, code, parameters, boot, control_set, component, exception_type, message, stack, events, frames, pool, dump, row_check FROM crashes";

    private static RowRead<CrashRecord> Read(SqliteRow row) => RowCheck.Read(row, Table, Parse);

    private static CrashRecord Parse(SqliteRow r) => new(
        r.GetTime(1),
        (BugCheckCode)r.GetInt64(2),
        JsonSerializer.Deserialize(r.GetString(3), CrashJson.Default.UInt64Array)!,
        r.IsDBNull(4) ? null : r.GetInt32(4),
        r.GetInt32(5),
        r.IsDBNull(6) ? null : r.GetString(6),
        r.IsDBNull(7) ? null : r.GetString(7),
        r.GetString(8),
        r.GetString(9),
        JsonSerializer.Deserialize(r.GetString(10), CrashJson.Default.StringArray)!)
    {
        Id = r.GetInt64(0),
        Frames = JsonSerializer.Deserialize(r.GetString(11), CrashJson.Default.CrashFrameArray)!,
        Pool = r.IsDBNull(12) ? null : JsonSerializer.Deserialize(r.GetString(12), CrashJson.Default.PoolEvidence),
        Dump = r.IsDBNull(13) ? null : r.GetString(13),
    };
}
