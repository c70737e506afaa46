using System.Security.Cryptography;
using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Internal;
using LastKnownGood.Machines;
using LastKnownGood.Registry;

namespace LastKnownGood.Tests.Support;

/// <summary>
/// Machine directories whose <c>system.db</c> is something other than this lkg's current hive:
/// another program's SQLite file, random bytes, a newer schema, an older one.
/// </summary>
public static class MachineDatabaseFiles
{
    public static readonly DateTimeOffset Now = new(2026, 7, 19, 4, 9, 0, TimeSpan.Zero);

    /// <summary>A machine with two control sets, one boot, one crash record, and a backup (<c>system.db.lkg</c>).</summary>
    public static MachineDirectory CreateMachine(string root)
    {
        var machine = new MachineDirectory(root);
        machine.Create(TimeProvider.System, hive => hive.Write("test", "install sensor",
            e => e.SetValue(KeyPath.Parse(@"Services\Sensor"), "Start", RegistryValue.Dword(1))));
        using var hive = machine.OpenHive(TimeProvider.System);
        hive.BackupTo(machine.BackupPath);
        hive.Write("test", "after the backup", e => e.SetValue(KeyPath.Parse(@"Services\Sensor"), "Start", RegistryValue.Dword(2)));
        var boot = BootLog.Begin(hive, new BootPlan(BootMode.Normal, "Default"), Now);
        var crash = new CrashRecord(Now, BugCheckCode.PageFaultInNonpagedArea, [1, 2, 3, 4], boot.Number, boot.ControlSet, "Sensor", null, "old", "stack", []);
        BootLog.End(hive, boot.Number, BootOutcome.Bugcheck, "the kernel stopped", askedForLastKnownGood: false, crash, Now);
        return machine;
    }

    /// <summary>Another program's SQLite file, in rollback-journal mode as most are.</summary>
    public static void WriteForeignSqlite(string path)
    {
        File.Delete(path);
        using var database = SqliteDatabase.Open(path, create: true);
        database.Execute("PRAGMA journal_mode = DELETE");
        database.Execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)");
        database.Execute("INSERT INTO photos (name) VALUES ('beach.jpg')");
    }

    public static void WriteRandomBytes(string path)
    {
        File.Delete(path);
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(64 * 1024));
    }

    public static void SetSchema(string path, int version)
    {
        using var database = SqliteDatabase.Open(path, create: false);
        database.Execute("UPDATE meta SET value = $v WHERE key = 'schema'", ("$v", version));
    }

    /// <summary>
    /// What turns a current hive back into schema 2: no recovery tables, no event log, no indexes on the history, crash records without
    /// frames, pool evidence and dump, rows without checks.
    /// </summary>
    public static readonly string[] ToSchema2 =
    [
        "DROP TABLE remediations", "DROP TABLE quarantine", "DROP TABLE recoveries", "DROP TABLE revoked_keys", "DROP TABLE recorded_events", "DROP TABLE version_floors", "DROP TABLE events", "DROP TABLE components",
        "DROP INDEX boots_counted", "DROP INDEX boots_fallbacks", "DROP INDEX crashes_boot",
        "ALTER TABLE crashes DROP COLUMN frames", "ALTER TABLE crashes DROP COLUMN pool", "ALTER TABLE crashes DROP COLUMN dump",
        "ALTER TABLE crashes DROP COLUMN row_check", "ALTER TABLE boots DROP COLUMN row_check", "ALTER TABLE control_sets DROP COLUMN row_check",
        "UPDATE meta SET value = '2' WHERE key = 'schema'",
    ];

    /// <summary>Turns a current hive back into schema 6, the one before the recovery part: no quarantine, no recovery reports.</summary>
    public static void DowngradeToSchema6(string path)
    {
        using var database = SqliteDatabase.Open(path, create: false);
        database.Write(() => database.Execute("DROP TABLE remediations; DROP TABLE quarantine; DROP TABLE recoveries; DROP TABLE revoked_keys; DROP TABLE recorded_events; DROP TABLE version_floors; UPDATE meta SET value = '6' WHERE key = 'schema'"));
    }

    /// <summary>Turns a current hive back into schema 7, the one before the remediation part.</summary>
    public static void DowngradeToSchema7(string path)
    {
        using var database = SqliteDatabase.Open(path, create: false);
        database.Write(() => database.Execute("DROP TABLE remediations; UPDATE meta SET value = '7' WHERE key = 'schema'"));
    }

    /// <summary>Turns a current hive back into schema 2 (<see cref="ToSchema2"/>).</summary>
    public static void DowngradeToSchema2(string path)
    {
        using var database = SqliteDatabase.Open(path, create: false);
        database.Write(() => database.Execute(string.Join(";\n", ToSchema2)));
    }

    /// <summary>Every file under <paramref name="root"/> by relative path, with the SHA-256 of its bytes.</summary>
    public static IReadOnlyDictionary<string, string> HashFiles(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}
