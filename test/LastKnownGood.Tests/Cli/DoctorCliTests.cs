using System.Runtime.Versioning;
using System.Text.Json;
using LastKnownGood.Cli;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary><c>lkg doctor</c> through the real lkg: each check finds what was broken on purpose, says what to do, and changes nothing.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class DoctorCliTests
{
    [Fact]
    public async Task ASoundMachine_PassesEveryCheck_ButTheBackupItHasNotMadeYet()
    {
        using var machine = await TestMachine.CreateAsync();

        var result = await machine.TryLkgAsync("doctor", "--json");

        var checks = Checks(result);
        Assert.Equal(["hive", "backup", "trust", "keys", "packages", "leftovers"], checks.Keys);
        Assert.All(checks.Where(c => c.Key != "backup"), c => Assert.Empty(c.Value));
        Assert.Contains("every accepted boot backs the hive up", Assert.Single(checks["backup"]).Remedy);
        Assert.Equal(ExitCodes.Failed, result.ExitCode);
    }

    [Fact]
    public async Task EachProblem_IsFoundByItsCheck_WithWhatToDo_AndNothingIsChanged()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/Hello");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\CI", "TestSigning", "1", "--type", "dword");
        var installed = Directory.GetDirectories(machine.Directory.DriversPath).Single();
        var assembly = Path.Combine(installed, "Hello.dll");
        File.SetUnixFileMode(assembly, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.AppendAllText(assembly, "tampered");
        Directory.CreateDirectory(Path.Combine(machine.Directory.DriversPath, ".tmp-0123"));
        File.WriteAllText(machine.Directory.BackupPath, "not a database");
        var key = Path.Combine(machine.Environment["LKG_KEYS"], "test.key");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Damage.FlipText(machine.Directory.HivePath, "control_sets", "reason", 1, 0);
        var before = Snapshot(machine.Root);

        var result = await machine.TryLkgAsync("doctor", "--json");
        var text = await machine.TryLkgAsync("doctor");

        Assert.Equal((ExitCodes.Failed, ExitCodes.Failed), (result.ExitCode, text.ExitCode));
        var checks = Checks(result);
        Assert.Contains(checks["hive"], f => f.Severity == "warning" && f.Problem.Contains("control_sets row 1 is damaged", StringComparison.Ordinal));
        Assert.Contains(checks["backup"], f => f.Severity == "error" && f.Problem.StartsWith("the backup, system.db.lkg, cannot be used", StringComparison.Ordinal));
        Assert.Contains(checks["trust"], f => f.Problem == "TestSigning is on: a driver signed by any key loads" && f.Remedy.Contains("TestSigning 0", StringComparison.Ordinal));
        Assert.Contains(checks["keys"], f => f.Severity == "error" && f.Remedy == $"chmod 600 {key}, and make a new key if others may have copied it");
        Assert.Contains(checks["packages"], f => f.Severity == "error" && f.Problem.Contains("was changed after it was signed", StringComparison.Ordinal));
        Assert.Contains(checks["leftovers"], f => f.Remedy == $"delete it: rm -r {Path.Combine(machine.Directory.DriversPath, ".tmp-0123")}");
        Assert.Equal(checks.Values.Sum(f => f.Count(x => x.Severity != "info")), JsonDocument.Parse(result.Output).RootElement.GetProperty("problems").GetInt32());
        // On a person's screen: a line per finding, its remedy after the problem.
        Assert.Contains(text.Output.Split('\n'), l => l.StartsWith("error    packages: ", StringComparison.Ordinal) && l.Contains("; install the driver again", StringComparison.Ordinal));
        Assert.Equal(before, Snapshot(machine.Root));
    }

    [Fact]
    public async Task AMachineWithItsBackup_PassesEveryCheck_AndNoFileIsWrittenOrMade()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "0", "--type", "dword");
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");
        Assert.True(File.Exists(machine.Directory.BackupPath));
        var before = Snapshot(machine.Root);

        var result = await machine.TryLkgAsync("doctor", "--json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.Output);
        Assert.All(Checks(result).Values, findings => Assert.DoesNotContain(findings, f => f.Severity != "info"));
        // The backup is read as it is: not switched to WAL, no -wal or -shm made beside it.
        Assert.Equal(before, Snapshot(machine.Root));
    }

    [Fact]
    public async Task WithoutAMachine_SaysHowToMakeOne()
    {
        using var temp = new TempDirectory();

        var result = await Lkg.RunAsync(["doctor", "--machine", temp.Combine("nowhere")], null);

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.StartsWith("There is no machine at", result.Error);
        Assert.False(Directory.Exists(temp.Combine("nowhere")));
    }

    private static Dictionary<string, List<(string Severity, string Problem, string Remedy)>> Checks(Lkg.Result result) =>
        JsonDocument.Parse(result.Output).RootElement.GetProperty("checks").EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => c.GetProperty("findings").EnumerateArray()
                .Select(f => (f.GetProperty("severity").GetString()!, f.GetProperty("problem").GetString()!, f.GetProperty("remedy").GetString()!)).ToList());

    /// <summary>Every file of the machine and its hash, SQLite's shared-memory index aside (any open touches it).</summary>
    private static Dictionary<string, string> Snapshot(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => !f.EndsWith("-shm", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(root, f), Damage.HashFile);
}
