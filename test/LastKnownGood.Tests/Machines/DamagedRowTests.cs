using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Internal;
using LastKnownGood.Machines;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Machines;

/// <summary>
/// Rows outside the hash trees (boots, crash records, control set records) with one bit flipped
/// directly in SQLite: set aside as damaged, never half-parsed, never thrown out as a
/// FormatException; and a damaged hive is never backed up over a good backup.
/// </summary>
public sealed class DamagedRowTests : IDisposable
{
    // "2026-07-19T04:09:00…": byte 10 is the T, which the flip turns into a U.
    private const int TimeSeparator = 10;

    private readonly TempDirectory _temp = new();
    private readonly MachineDirectory _machine;

    public DamagedRowTests()
    {
        // Two control sets (Select names only the second), boot 1 that bug checked, crash record 1, a backup holding set 1.
        _machine = MachineDatabaseFiles.CreateMachine(_temp.Combine("machine"));
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ReadAll_ABootWithAFlippedTimeStamp_IsSetAsideAsDamaged_AndNothingThrows()
    {
        AddBoot();
        Damage.FlipText(_machine.HivePath, "boots", "started", 1, TimeSeparator);

        using var hive = _machine.OpenHive(TimeProvider.System);
        var (boots, damaged) = BootLog.ReadAll(hive);

        Assert.Equal([2], boots.Select(b => b.Number));
        Assert.Equal(new DamagedRow("boots", 1, "it does not match its checksum"), Assert.Single(damaged));
        Assert.Equal(2, Assert.Single(BootLog.List(hive)).Number);
        Assert.Contains("boots row 1 is damaged", Assert.Throws<HiveCorruptException>(() => BootLog.Get(hive, 1)).Message);
    }

    [Fact]
    public void ReadAll_ABootWithAFlippedReason_IsSetAside()
    {
        Damage.FlipText(_machine.HivePath, "boots", "reason", 1, 0);

        using var hive = _machine.OpenHive(TimeProvider.System);

        Assert.Empty(BootLog.List(hive));
        Assert.Equal(1, Assert.Single(BootLog.ReadAll(hive).Damaged).Id);
    }

    [Fact]
    public void ReadAll_ACrashRecordWithAFlippedMessage_IsSetAside()
    {
        Damage.FlipText(_machine.HivePath, "crashes", "message", 1, 0);

        using var hive = _machine.OpenHive(TimeProvider.System);

        Assert.Empty(CrashLog.List(hive));
        Assert.Null(CrashLog.FindForBoot(hive, 1));
        Assert.Equal(new DamagedRow("crashes", 1, "it does not match its checksum"), Assert.Single(CrashLog.ReadAll(hive).Damaged));
    }

    [Fact]
    public void ReadControlSets_ASetSelectDoesNotNameWithAFlippedReason_IsSetAside_AndTheHiveOpens()
    {
        Damage.FlipText(_machine.HivePath, "control_sets", "reason", 1, 0);

        using var hive = _machine.OpenHive(TimeProvider.System);

        Assert.Equal([2], hive.ListControlSets().Select(s => s.Id));
        Assert.Null(hive.FindControlSet(1));
        Assert.Equal(1, Assert.Single(hive.ReadControlSets().Damaged).Id);
        Assert.Contains("damaged", Assert.Throws<HiveCorruptException>(() => hive.GetControlSet(1)).Message);
        Assert.Empty(hive.ListRecoveries());
    }

    [Fact]
    public void OpenHive_TheDefaultSetsRecordFlipped_IsHiveDamage_AndTheBackupIsRestored()
    {
        Damage.FlipText(_machine.HivePath, "control_sets", "reason", 2, 0);

        using var hive = _machine.OpenHive(TimeProvider.System);

        Assert.Contains("Select names ControlSet002, whose record is damaged (it does not match its checksum)", Assert.Single(hive.ListRecoveries()).Reason);
        Assert.Equal(1, hive.ReadSelect().Default);
    }

    [Fact]
    public void Read_ASealedValueThatDoesNotParse_IsDamageToo()
    {
        using (var database = SqliteDatabase.Open(_machine.HivePath, create: false))
        {
            database.Write(() =>
            {
                database.Execute("UPDATE boots SET mode = 'sideways', started = 'yesterday' WHERE number = 1");
                RowCheck.Seal(database, "boots", 1);
                return 0;
            });
        }

        using var hive = _machine.OpenHive(TimeProvider.System);

        Assert.StartsWith("a stored value does not parse", Assert.Single(BootLog.ReadAll(hive).Damaged).Problem);
    }

    [Fact]
    public void Update_OfADamagedBoot_IsRefused_AndTheRowIsNotSealedAgain()
    {
        Damage.FlipText(_machine.HivePath, "boots", "reason", 1, 0);
        using var hive = _machine.OpenHive(TimeProvider.System);

        Assert.Throws<HiveCorruptException>(() => BootLog.SetKernel(hive, 1, 42));

        Assert.Equal(1, Assert.Single(BootLog.ReadAll(hive).Damaged).Id);
        Assert.Null(hive.Database.Scalar("SELECT kernel_pid FROM boots WHERE number = 1"));
    }

    [Fact]
    public void Decide_ReadsOnlyTheBootsThatVerify()
    {
        // Boot 1 bug checked: damaged, it must not count as a failed boot in the decision.
        Damage.FlipText(_machine.HivePath, "boots", "started", 1, TimeSeparator);
        using var hive = _machine.OpenHive(TimeProvider.System);
        var select = hive.ReadSelect();

        var plan = ClassicRecovery.Decide(BootLog.ReadForDecision(hive), select, RecoveryOptions.Read(hive, select.Default));

        Assert.Equal(BootMode.Normal, plan.Mode);
    }

    [Fact]
    public void BackupTo_AWholeHive_ReplacesTheBackup()
    {
        var before = Damage.HashFile(_machine.BackupPath);
        using var hive = _machine.OpenHive(TimeProvider.System);

        Assert.Empty(hive.CheckForBackup());
        hive.BackupTo(_machine.BackupPath);

        Assert.NotEqual(before, Damage.HashFile(_machine.BackupPath));
    }

    [Theory]
    [InlineData("boots", "reason", 1)]
    [InlineData("crashes", "message", 1)]
    [InlineData("control_sets", "reason", 1)]
    public void BackupTo_AHiveWithADamagedRow_KeepsTheBackup_AndSaysWhy(string table, string column, long row)
    {
        Damage.FlipText(_machine.HivePath, table, column, row, 0);
        var before = Damage.HashFile(_machine.BackupPath);
        using var hive = _machine.OpenHive(TimeProvider.System);

        var error = Assert.Throws<HiveCorruptException>(() => hive.BackupTo(_machine.BackupPath));

        Assert.Contains($"{table} row {row} is damaged", error.Message);
        Assert.Contains("system.db.lkg is kept as it was", error.Message);
        Assert.Equal(before, Damage.HashFile(_machine.BackupPath));
    }

    [Fact]
    public void BackupTo_AHiveFailingSqlitesIntegrityCheck_KeepsTheBackup()
    {
        Damage.BreakIndexDefinition(_machine.HivePath);
        var before = Damage.HashFile(_machine.BackupPath);
        using var hive = _machine.OpenHive(TimeProvider.System);

        var error = Assert.Throws<HiveCorruptException>(() => hive.BackupTo(_machine.BackupPath));

        Assert.Contains("SQLite's integrity check", error.Message);
        Assert.Equal(before, Damage.HashFile(_machine.BackupPath));
    }

    /// <summary>
    /// 200 seeded positions in the test run; with LKG_FLIP_BYTES=all (<c>scripts/flip-every-byte.sh</c>)
    /// every byte of the file in turn.
    /// </summary>
    private static IEnumerable<long> Positions(long length)
    {
        if (Environment.GetEnvironmentVariable("LKG_FLIP_BYTES") == "all")
        {
            for (long position = 0; position < length; position++)
            {
                yield return position;
            }

            yield break;
        }

        var random = new Random(20261201);
        for (var sample = 0; sample < 200; sample++)
        {
            yield return random.NextInt64(length);
        }
    }

    /// <summary>
    /// Single-bit flips anywhere in the file: reading and backing up never throw anything but the
    /// hive's own errors, and the backup is only ever replaced by a hive that passes the full check.
    /// </summary>
    [Fact]
    public void FlippedBitAnywhere_OnlyHiveErrors_AndTheBackupIsNeverReplacedByADamagedHive()
    {
        AddBoot();
        var pristine = _temp.Combine("pristine");
        CopyMachine(_machine.Root, pristine);
        var length = new FileInfo(Path.Combine(pristine, "system.db")).Length;
        var sample = 0;
        foreach (var position in Positions(length))
        {
            sample++;
            var root = _temp.Combine($"flip-{sample}");
            CopyMachine(pristine, root);
            var machine = new MachineDirectory(root);
            Damage.FlipFileByte(machine.HivePath, position);
            var backup = Damage.HashFile(machine.BackupPath);

            var failure = Record.Exception(() => ReadEverythingAndBackUp(machine));

            Assert.True(failure is null or LkgException, $"A flip at byte {position} threw {failure}");
            if (Damage.HashFile(machine.BackupPath) != backup)
            {
                var copy = _temp.Combine($"check-{sample}.db");
                File.Copy(machine.BackupPath, copy);
                using var backedUp = Hive.Open(copy, TimeProvider.System, HiveAccess.ReadOnly);
                Assert.True(backedUp.CheckForBackup().Count == 0, $"A flip at byte {position} was backed up: {string.Join("; ", backedUp.CheckForBackup())}");
            }

            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>What status, history, crashes, the decision and an accepted boot read and write, in process.</summary>
    private static void ReadEverythingAndBackUp(MachineDirectory machine)
    {
        using var hive = machine.OpenHive(TimeProvider.System);
        var select = hive.ReadSelect();
        var damaged = new List<DamagedRow>();
        _ = (BootLog.Newest(hive, damaged), BootLog.NewestFallback(hive, damaged), CrashLog.Newest(hive, damaged), CrashLog.FindForBoot(hive, 1, damaged));
        _ = (BootLog.ReadPages(hive, 1, BootLog.NewestNumber(hive)).ToList(), CrashLog.ReadForBoots(hive, 1, 2), CrashLog.ReadAll(hive));
        _ = (hive.ReadControlSets(), hive.ListRecoveries(), BootLog.IsLastKnownGoodEnabled(hive));
        ClassicRecovery.Decide(BootLog.ReadForDecision(hive), select, RecoveryOptions.Read(hive, select.Default));
        hive.BackupTo(machine.BackupPath);
    }

    private void AddBoot()
    {
        using var hive = _machine.OpenHive(TimeProvider.System);
        var boot = BootLog.Begin(hive, new BootPlan(BootMode.Normal, "Default"), MachineDatabaseFiles.Now);
        BootLog.End(hive, boot.Number, BootOutcome.Shutdown, "shut down", askedForLastKnownGood: false, crash: null, MachineDatabaseFiles.Now);
    }

    private static void CopyMachine(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
