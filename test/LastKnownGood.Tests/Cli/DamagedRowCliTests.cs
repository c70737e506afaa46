using System.Globalization;
using System.Text.Json;
using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary>
/// The hardening review's findings, through the real command line: one flipped bit in a row
/// outside the hash trees, done directly in SQLite. status and history name the damaged row and
/// print no stack trace; lkg boot still reaches an accepted boot; the backup is not replaced.
/// </summary>
public sealed class DamagedRowCliTests
{
    [Theory]
    [InlineData("boots", "started", 10)]
    [InlineData("boots", "reason", 0)]
    [InlineData("control_sets", "reason", 0)]
    [InlineData("crashes", "message", 0)]
    public async Task StatusHistoryAndBoot_WithAFlippedRow_ReportItAndBootFromWhatVerifies(string table, string column, int index)
    {
        using var machine = await CreateMachineAsync();
        // Row 1 of each: boot 1 (accepted), ControlSet001 (which Select no longer names), crash 1.
        Damage.FlipText(machine.Directory.HivePath, table, column, 1, index);
        var backup = Damage.HashFile(machine.Directory.BackupPath);

        var status = await machine.TryLkgAsync("status");
        var json = await machine.TryLkgAsync("status", "--json");
        var history = await machine.TryLkgAsync("history");
        var boot = await machine.TryLkgAsync("boot", "--until", "accepted", "--timeout", "60s");

        foreach (var result in new[] { status, json, history, boot })
        {
            AssertNoStackTrace(result);
            Assert.True(result.ExitCode == 0, result.Error);
        }

        Assert.Contains($"{table} row 1 is damaged", status.Output);
        var damaged = Assert.Single(JsonDocument.Parse(json.Output).RootElement.GetProperty("damagedRows").EnumerateArray());
        Assert.Equal((table, 1), (damaged.GetProperty("table").GetString(), damaged.GetProperty("id").GetInt32()));
        if (table != "control_sets")
        {
            Assert.Contains($"{table} row 1 is damaged", history.Output);
        }

        Assert.Contains("is kept as it was", boot.Output + boot.Error);
        Assert.Equal(backup, Damage.HashFile(machine.Directory.BackupPath));
        Assert.Equal(BootOutcome.Accepted, machine.History()[^1].Outcome);
    }

    [Fact]
    public async Task Boot_OfAHiveFailingSqlitesIntegrityCheck_IsAccepted_ButTheBackupIsNotReplaced()
    {
        using var machine = await CreateMachineAsync();
        Damage.BreakIndexDefinition(machine.Directory.HivePath);
        var backup = Damage.HashFile(machine.Directory.BackupPath);

        var boot = await machine.TryLkgAsync("boot", "--until", "accepted", "--timeout", "60s");

        AssertNoStackTrace(boot);
        Assert.Equal(0, boot.ExitCode);
        Assert.Contains("SQLite's integrity check", boot.Output + boot.Error);
        Assert.Equal(backup, Damage.HashFile(machine.Directory.BackupPath));
    }

    /// <summary>6 in the test run; <c>scripts/flip-every-byte.sh</c> raises it with LKG_FLIP_CLI_SAMPLES.</summary>
    private static int Samples => int.TryParse(Environment.GetEnvironmentVariable("LKG_FLIP_CLI_SAMPLES"), CultureInfo.InvariantCulture, out var n) ? n : 6;

    /// <summary>
    /// A seeded sample of bit flips anywhere in system.db, through status, history and boot: no
    /// stack trace, the boot accepted or refused in a sentence, and the backup replaced only by a
    /// hive that passes the full check.
    /// </summary>
    [Fact]
    public async Task EveryCommand_AfterABitFlipAnywhere_PrintsNoStackTrace_AndKeepsTheBackupFromDamage()
    {
        using var machine = await CreateMachineAsync();
        var directory = machine.Directory;
        var pristine = File.ReadAllBytes(directory.HivePath);
        var pristineBackup = File.ReadAllBytes(directory.BackupPath);
        var random = new Random(1201);
        for (var sample = 0; sample < Samples; sample++)
        {
            foreach (var left in Directory.GetFiles(directory.Root, "system.db*"))
            {
                File.Delete(left);
            }

            File.WriteAllBytes(directory.HivePath, pristine);
            File.WriteAllBytes(directory.BackupPath, pristineBackup);
            var position = random.NextInt64(pristine.Length);
            Damage.FlipFileByte(directory.HivePath, position);

            foreach (var args in new[] { new[] { "status" }, ["history"] })
            {
                AssertNoStackTrace(await machine.TryLkgAsync(args), $"lkg {string.Join(' ', args)} after a flip at byte {position}");
            }

            // The boot is accepted (exit 0 with --until accepted), or refused in a sentence or two.
            var boot = await machine.TryLkgAsync("boot", "--until", "accepted", "--timeout", "30s");
            AssertNoStackTrace(boot, $"lkg boot after a flip at byte {position}");
            Assert.True(boot.ExitCode == 0 || (boot.Error.Length > 0 && boot.Error.Split('\n').Length <= 3),
                $"lkg boot after a flip at byte {position} neither reached an accepted boot nor refused clearly (exit {boot.ExitCode}):\n{boot.Output}\n{boot.Error}");

            if (!File.ReadAllBytes(directory.BackupPath).AsSpan().SequenceEqual(pristineBackup))
            {
                using var backedUp = Hive.Open(directory.BackupPath, TimeProvider.System, HiveAccess.ReadOnly);
                Assert.True(backedUp.CheckForBackup().Count == 0, $"A flip at byte {position} was backed up.");
            }
        }
    }

    private static void AssertNoStackTrace(Lkg.Result result, string? what = null)
    {
        var text = result.Output + "\n" + result.Error;
        Assert.False(text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Unhandled exception", StringComparison.Ordinal),
            $"{what ?? "lkg"} printed a stack trace:\n{text}");
    }

    /// <summary>Boot 1 accepted (so a backup), two sets written after it, and crash record 1.</summary>
    private static async Task<TestMachine> CreateMachineAsync()
    {
        var machine = await TestMachine.CreateAsync();
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "0", "--type", "dword");
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Probe", "Start", "3", "--type", "dword");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Probe", "Start", "4", "--type", "dword");
        CrashLog.Append(machine.Directory.HivePath, new CrashRecord(
            DateTimeOffset.UnixEpoch, BugCheckCode.PageFaultInNonpagedArea, [1, 2, 3, 4], 1, 2, "Probe", null, "a crash to damage", "stack", []));
        return machine;
    }
}
