using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Internal;
using LastKnownGood.Machines;
using LastKnownGood.Recovery;
using LastKnownGood.Recovery.Remediation;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Machines;

/// <summary>
/// What <see cref="MachineDirectory.OpenHive"/> does with a <c>system.db</c> that is not this
/// lkg's current hive: only damage is restored from the backup; another program's file and a
/// newer schema are refused and left byte for byte; an older schema is migrated after a copy.
/// </summary>
public sealed class MachineDatabaseTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly MachineDirectory _machine;

    public MachineDatabaseTests() => _machine = MachineDatabaseFiles.CreateMachine(_temp.Combine("machine"));

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(HiveAccess.ReadOnly)]
    [InlineData(HiveAccess.ReadWrite)]
    public void OpenHive_OfAForeignSqliteFile_RefusesInOneSentenceAndChangesNoFile(HiveAccess access)
    {
        MachineDatabaseFiles.WriteForeignSqlite(_machine.HivePath);
        var before = MachineDatabaseFiles.HashFiles(_machine.Root);

        var error = Assert.Throws<LkgException>(() => _machine.OpenHive(TimeProvider.System, access));

        Assert.IsNotType<HiveCorruptException>(error);
        Assert.Equal($"{_machine.HivePath} is not a LastKnownGood machine database (it is SQLite without lkg's schema record); move it away, or point --machine at a machine directory.", error.Message);
        Assert.Equal(before, MachineDatabaseFiles.HashFiles(_machine.Root));
    }

    [Fact]
    public void OpenHive_OfRandomBytes_IsDamage_AndRestoresTheBackup()
    {
        MachineDatabaseFiles.WriteRandomBytes(_machine.HivePath);

        using var hive = _machine.OpenHive(TimeProvider.System, HiveAccess.ReadOnly);

        var report = Assert.Single(hive.ListRecoveries());
        Assert.Contains("is damaged (it is not a SQLite database file)", report.Reason);
        Assert.Single(Directory.GetFiles(_machine.Root, "system.db.corrupt-*"));
        Assert.Equal(new Select(0, 1, 0, 0), hive.ReadSelect());
    }

    [Theory]
    [InlineData(HiveAccess.ReadOnly)]
    [InlineData(HiveAccess.ReadWrite)]
    public void OpenHive_OfANewerSchema_RefusesNamingBothVersions_AndNeitherChangesNorRestoresIt(HiveAccess access)
    {
        MachineDatabaseFiles.SetSchema(_machine.HivePath, 9);
        var before = MachineDatabaseFiles.HashFiles(_machine.Root);

        var error = Assert.Throws<LkgException>(() => _machine.OpenHive(TimeProvider.System, access));

        Assert.IsNotType<HiveCorruptException>(error);
        Assert.Equal($"The machine database {_machine.HivePath} has schema 9; it is newer than schema 8, the newest read by this version of lkg: use a newer version of lkg (the file is left as it is).", error.Message);
        Assert.Equal(before, MachineDatabaseFiles.HashFiles(_machine.Root));
    }

    [Fact]
    public void OpenHive_OfAnOlderSchema_MigratesAfterACopy_AndLosesNothing()
    {
        MachineDatabaseFiles.DowngradeToSchema2(_machine.HivePath);

        using var hive = _machine.OpenHive(TimeProvider.System);

        Assert.Equal("8", hive.Database.Scalar("SELECT value FROM meta WHERE key = 'schema'"));
        Assert.Equal(["install sensor", "after the backup"], hive.ListControlSets().Select(s => s.Reason));
        Assert.Equal(new Select(2, 2, 0, 0), hive.ReadSelect());
        var boot = Assert.Single(BootLog.List(hive));
        Assert.Equal(BootOutcome.Bugcheck, boot.Outcome);
        var crash = Assert.Single(CrashLog.List(hive));
        Assert.Equal((BugCheckCode.PageFaultInNonpagedArea, "old", 0, (string?)null), (crash.Code, crash.Message, crash.Frames.Count, crash.Dump));
        Assert.Equal(crash.Id, boot.CrashId);
        using var copy = SqliteDatabase.OpenUnchanged(MachineDatabase.BackupPath(_machine.HivePath, 2), readOnly: true);
        Assert.Equal("2", copy.Scalar("SELECT value FROM meta WHERE key = 'schema'"));
        Assert.Equal(1L, copy.Scalar("SELECT COUNT(*) FROM crashes"));
    }

    [Fact]
    public void OpenHive_OfSchema6_MigratesToTheRecoveryPart_AndLosesNothing()
    {
        using (var before = _machine.OpenHive(TimeProvider.System))
        {
            EventStore.AppendStandardError(before.Database, 1, "a line before the migration", MachineDatabaseFiles.Now, 100);
        }

        MachineDatabaseFiles.DowngradeToSchema6(_machine.HivePath);

        using var hive = _machine.OpenHive(TimeProvider.System);

        Assert.Equal("8", hive.Database.Scalar("SELECT value FROM meta WHERE key = 'schema'"));
        Assert.Equal(["install sensor", "after the backup"], hive.ListControlSets().Select(s => s.Reason));
        Assert.Equal(new Select(2, 2, 0, 0), hive.ReadSelect());
        Assert.Equal(BootOutcome.Bugcheck, Assert.Single(BootLog.List(hive)).Outcome);
        Assert.Equal("old", Assert.Single(CrashLog.List(hive)).Message);
        Assert.Equal(1L, hive.Database.Scalar("SELECT COUNT(*) FROM events WHERE message = 'a line before the migration'"));
        Assert.Empty(Quarantine.List(hive));
        Assert.Null(RecoveryLog.Newest(hive));
        var entry = Quarantine.Add(hive, new QuarantineEntry("Sensor", @"Services\Sensor\Content", "c.sys", "sha256:00", "a test"), MachineDatabaseFiles.Now);
        Assert.Equal(entry, Assert.Single(Quarantine.List(hive)));
        using var copy = SqliteDatabase.OpenUnchanged(MachineDatabase.BackupPath(_machine.HivePath, 6), readOnly: true);
        Assert.Equal("6", copy.Scalar("SELECT value FROM meta WHERE key = 'schema'"));
    }

    [Fact]
    public void OpenHive_OfThePreviousSchema_MigratesToTheRemediationPart_AndLosesNothing()
    {
        using (var before = _machine.OpenHive(TimeProvider.System))
        {
            Quarantine.Add(before, new QuarantineEntry("Sensor", @"Services\Sensor\Content", "c.sys", "sha256:00", "before the migration"), MachineDatabaseFiles.Now);
        }

        MachineDatabaseFiles.DowngradeToSchema7(_machine.HivePath);

        using var hive = _machine.OpenHive(TimeProvider.System);

        Assert.Equal("8", hive.Database.Scalar("SELECT value FROM meta WHERE key = 'schema'"));
        Assert.Equal(["install sensor", "after the backup"], hive.ListControlSets().Select(s => s.Reason));
        Assert.Equal("old", Assert.Single(CrashLog.List(hive)).Message);
        Assert.Equal("before the migration", Assert.Single(Quarantine.List(hive)).Reason);
        Assert.Empty(Remediations.List(hive));
        var taken = Remediations.Record(hive, new RemediationRecord("fix.lkgfix", new string('a', 64), "/srv/fixes", 1, RemediationOutcome.Refused, null, "a test"), MachineDatabaseFiles.Now);
        Assert.Equal(taken, Assert.Single(Remediations.List(hive)));
        using var copy = SqliteDatabase.OpenUnchanged(MachineDatabase.BackupPath(_machine.HivePath, 7), readOnly: true);
        Assert.Equal("7", copy.Scalar("SELECT value FROM meta WHERE key = 'schema'"));
    }

    [Fact]
    public void OpenHive_OfAnOlderSchema_ForACommandThatOnlyReads_RefusesAndChangesNoFile()
    {
        MachineDatabaseFiles.DowngradeToSchema2(_machine.HivePath);
        var before = MachineDatabaseFiles.HashFiles(_machine.Root);

        var error = Assert.Throws<LkgException>(() => _machine.OpenHive(TimeProvider.System, HiveAccess.ReadOnly));

        Assert.Equal($"The machine database {_machine.HivePath} has schema 2, older than the schema 8 of this version of lkg, and a command that only reads does not migrate it: run a command that writes, such as lkg boot, to migrate it first.", error.Message);
        Assert.Equal(before, MachineDatabaseFiles.HashFiles(_machine.Root));
    }

    [Fact]
    public void OpenHive_OfASchemaOlderThanTheMigrations_RefusesAndChangesNoFile()
    {
        MachineDatabaseFiles.SetSchema(_machine.HivePath, 1);
        var before = MachineDatabaseFiles.HashFiles(_machine.Root);

        var error = Assert.Throws<LkgException>(() => _machine.OpenHive(TimeProvider.System));

        Assert.IsNotType<HiveCorruptException>(error);
        Assert.StartsWith($"The machine database {_machine.HivePath} has schema 1; it is older than schema 2, the oldest migrated by this version of lkg", error.Message);
        Assert.Equal(before, MachineDatabaseFiles.HashFiles(_machine.Root));
    }

    [Fact]
    public void Migration_FromSchema2_GivesEveryTableTheColumnsAndIndexesOfANewDatabase()
    {
        var fresh = _temp.Combine("fresh.db");
        MachineDatabase.Create(fresh).Dispose();
        MachineDatabaseFiles.DowngradeToSchema2(_machine.HivePath);
        MachineDatabase.Open(_machine.HivePath, migrate: true).Dispose();

        Assert.Equal(Columns(fresh), Columns(_machine.HivePath));
        Assert.Equal(Indexes(fresh), Indexes(_machine.HivePath));
        Assert.Contains("boots_counted", string.Join('\n', Indexes(fresh)));
    }

    [Fact]
    public void Schema_EveryRegisteredScriptIsEmbedded_AndEveryMigrationIsWithinTheVersions()
    {
        foreach (var part in MachineSchema.Parts)
        {
            Assert.NotEmpty(MachineSchema.Read(part.Tables));
            Assert.All(part.Migrations, m => Assert.InRange(m.To, MachineSchema.OldestMigrated + 1, MachineSchema.Version));
            Assert.All(part.Migrations, m => Assert.NotEmpty(MachineSchema.Read(m.Script)));
        }
    }

    /// <summary>Every index, SQLite's own and those the scripts create, with its table and its definition.</summary>
    private static List<string> Indexes(string path)
    {
        using var database = SqliteDatabase.OpenUnchanged(path, readOnly: true);
        return database.Query("SELECT name || ' ON ' || tbl_name || ': ' || COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' ORDER BY name", r => r.GetString(0));
    }

    private static List<string> Columns(string path)
    {
        using var database = SqliteDatabase.OpenUnchanged(path, readOnly: true);
        return database.Query(
            "SELECT m.name || '.' || c.name || ' ' || c.type || ' ' || c.\"notnull\" || ' ' || COALESCE(c.dflt_value, '') FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' ORDER BY m.name, c.cid",
            r => r.GetString(0));
    }
}
