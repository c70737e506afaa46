using System.Text;
using LastKnownGood.Internal;
using LastKnownGood.Machines;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Registry;

public sealed class HiveCorruptionTests : IDisposable
{
    private const string Marker = "MARKER-0123456789-ABCDEFGHIJ";
    private static readonly KeyPath Sensor = KeyPath.Parse(@"Services\Sensor");
    private static readonly KeyPath Hello = KeyPath.Parse(@"Services\Hello");

    private readonly TempDirectory _temp = new();
    private readonly MachineDirectory _machine;

    public HiveCorruptionTests()
    {
        _machine = new MachineDirectory(_temp.Combine("machine"));
        _machine.Create(TimeProvider.System, hive => hive.Write("test", "install sensor", e =>
        {
            e.SetValue(Sensor, "ImagePath", RegistryValue.String(Marker));
            e.SetValue(Hello, "ImagePath", RegistryValue.String("Hello"));
            e.SetValue(KeyPath.Parse(@"Services\Sensor\Content"), "C-00000291.sys",
                RegistryValue.File(e.StoreFile(new MemoryStream(Encoding.UTF8.GetBytes(Marker + "-CONTENT")), "C-00000291.sys")));
        }));
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void FlippedByteInAKeyNode_IsDetectedOnOpen_AndTheBackupIsRestoredWithAReport()
    {
        using (var hive = _machine.OpenHive(TimeProvider.System))
        {
            hive.BackupTo(_machine.BackupPath);
            hive.Write("test", "after backup 1", e => e.SetValue(Sensor, "Start", RegistryValue.Dword(0)));
            hive.Write("test", "after backup 2", e => e.SetValue(Sensor, "Start", RegistryValue.Dword(1)));
        }

        FlipByteOf(Marker);

        using var restored = _machine.OpenHive(TimeProvider.System);
        Assert.Equal(new Select(0, 1, 0, 0), restored.ReadSelect());
        var report = Assert.Single(restored.ListRecoveries());
        Assert.Contains("does not match its hash", report.Reason);
        Assert.Equal(2, report.Lost.Count(l => l.Contains("after backup")));
        Assert.Contains(report.Lost, l => l.StartsWith("ControlSet003 (after backup 2", StringComparison.Ordinal));
        Assert.Single(Directory.GetFiles(_machine.Root, "system.db.corrupt-*"));
        Assert.Equal(Marker, restored.OpenKey(1, Sensor)!.Values.Single(v => v.Name == "ImagePath").Value.AsString());
    }

    [Fact]
    public void DamagedSqliteHeader_IsDetected_AndTheBackupIsRestored()
    {
        using (var hive = _machine.OpenHive(TimeProvider.System))
        {
            hive.BackupTo(_machine.BackupPath);
        }

        using (var file = File.OpenWrite(_machine.HivePath))
        {
            file.Write("garbage garbage!"u8);
        }

        using var restored = _machine.OpenHive(TimeProvider.System);
        var report = Assert.Single(restored.ListRecoveries());
        Assert.Contains("cannot be read at all", Assert.Single(report.Lost));
        Assert.Equal(1, restored.ReadSelect().Default);
    }

    [Fact]
    public void CorruptHiveWithoutBackup_GivesAClearError()
    {
        FlipByteOf(Marker);

        var error = Assert.Throws<HiveCorruptException>(() => _machine.OpenHive(TimeProvider.System));

        Assert.Contains("there is no backup (system.db.lkg)", error.Message);
        Assert.Contains("lkg init", error.Message);
    }

    [Fact]
    public void CorruptHiveAndCorruptBackup_GivesAClearErrorAndKeepsBothFiles()
    {
        using (var hive = _machine.OpenHive(TimeProvider.System))
        {
            hive.BackupTo(_machine.BackupPath);
        }

        FlipByteOf(Marker);
        FlipByteOf(Marker, _machine.BackupPath);

        var error = Assert.Throws<HiveCorruptException>(() => _machine.OpenHive(TimeProvider.System));

        Assert.Contains("its backup is damaged too", error.Message);
        Assert.True(File.Exists(_machine.HivePath));
        Assert.True(File.Exists(_machine.BackupPath));
    }

    [Fact]
    public void FlippedByteInContent_IsDetectedWhenTheFileIsRead()
    {
        FlipByteOf(Marker + "-CONTENT");

        using var hive = _machine.OpenHive(TimeProvider.System);
        var file = hive.OpenKey(1, KeyPath.Parse(@"Services\Sensor\Content"))!.Values.Single().Value.AsFile();
        using var stream = hive.OpenFile(file);
        Assert.Throws<HiveCorruptException>(() => stream.CopyTo(Stream.Null));
        Assert.Throws<HiveCorruptException>(() => hive.VerifyControlSet(1, contents: true));
    }

    [Fact]
    public void OpenOnRead_FlippedByteInAKeyNode_IsDetectedWhenThatKeyIsRead_NotWhenAnotherIs()
    {
        FlipByteOf(Marker);
        var before = MachineDatabaseFiles.HashFiles(_machine.Root);

        using (var hive = _machine.OpenHive(TimeProvider.System, HiveAccess.ReadOnly, HiveVerification.OnRead))
        {
            Assert.Equal("Hello", hive.OpenKey(1, Hello)!.Values.Single().Value.AsString());
            Assert.EndsWith("does not match its hash.", Assert.Throws<HiveCorruptException>(() => hive.OpenKey(1, Sensor)).Message);
        }

        Assert.Equal(before, MachineDatabaseFiles.HashFiles(_machine.Root));
        Assert.Contains("does not match its hash", Assert.Throws<HiveCorruptException>(() => _machine.OpenHive(TimeProvider.System)).Message);
    }

    [Fact]
    public void ALongLivedHive_VerifiesASetsRecordOnce_YetSeesAnotherConnectionsDamageAndWrites()
    {
        using var kernel = _machine.OpenHive(TimeProvider.System);
        Assert.Equal(Marker, kernel.OpenKey(1, Sensor)!.Values.Single(v => v.Name == "ImagePath").Value.AsString());

        // Another connection damages the record the long-lived hive has verified: its next read finds it.
        Damage.FlipText(_machine.HivePath, "control_sets", "reason", 1, 0);
        Assert.StartsWith("The record of ControlSet001 is damaged", Assert.Throws<HiveCorruptException>(() => kernel.OpenKey(1, Sensor)).Message);
        Damage.FlipText(_machine.HivePath, "control_sets", "reason", 1, 0);
        Assert.NotNull(kernel.OpenKey(1, Sensor));

        // Another connection writes a set: the long-lived hive reads it at once.
        using (var other = _machine.OpenHive(TimeProvider.System))
        {
            other.Derive(1, "test", "from another connection", e => e.SetValue(Sensor, "Start", RegistryValue.Dword(3)));
        }

        Assert.Equal(3u, kernel.OpenKey(2, Sensor)!.Values.Single(v => v.Name == "Start").Value.AsDword());
    }

    [Fact]
    public void OpenOnRead_ContentOfAnotherSize_IsDetectedWhenTheFileIsOpened()
    {
        using (var database = SqliteDatabase.Open(_machine.HivePath, create: false))
        {
            database.Execute("UPDATE blobs SET size = size + 1");
        }

        using var hive = _machine.OpenHive(TimeProvider.System, HiveAccess.ReadOnly, HiveVerification.OnRead);
        var file = hive.OpenKey(1, KeyPath.Parse(@"Services\Sensor\Content"))!.Values.Single().Value.AsFile();

        Assert.Contains("is missing from the hive or has the wrong size", Assert.Throws<HiveCorruptException>(() => hive.OpenFile(file)).Message);
        Assert.Contains("is missing from the hive or has the wrong size", Assert.Throws<HiveCorruptException>(() => _machine.OpenHive(TimeProvider.System)).Message);
    }

    private void FlipByteOf(string text, string? path = null)
    {
        path ??= _machine.HivePath;
        var bytes = File.ReadAllBytes(path);
        var at = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text));
        Assert.True(at >= 0, $"{text} not found in {path}");
        bytes[at + 3] ^= 0x20;
        File.WriteAllBytes(path, bytes);
    }
}
