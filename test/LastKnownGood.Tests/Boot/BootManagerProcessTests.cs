using System.Globalization;
using System.Text.Json;
using LastKnownGood.Boot;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Boot;

/// <summary>
/// <c>lkg boot</c> as users run it: a real boot manager process starting real kernels that load
/// real signed drivers, on a real machine directory. The two stories of DESIGN §13 are here,
/// asserted boot by boot.
/// </summary>
public sealed class BootManagerProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private static string Sensor(string channelFile) =>
        Path.Combine(Machines.MachineManifestTests.RepositoryRoot(), "samples", "Drivers", "Sensor", "content", channelFile);

    [Fact]
    public async Task LastKnownGoodWorks_ABadParameterOfACriticalDriver_IsUndoneByTheNextBoot()
    {
        using var machine = await CreateMachineAsync();
        await machine.InstallDriverAsync("test/TestDrivers/FaultDriver", "--start", "system", "--error-control", "critical");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\FaultDriver\Parameters", "Fault", "none");
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");
        var good = machine.Select().Default;

        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\FaultDriver\Parameters", "Fault", "fail");
        var bad = machine.Select().Default;
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");

        Assert.Equal(
            [(1, good, BootMode.Normal, BootOutcome.Accepted), (2, bad, BootMode.Normal, BootOutcome.StartFailure), (3, good, BootMode.LastKnownGood, BootOutcome.Accepted)],
            machine.History().Select(b => (b.Number, b.ControlSet, b.Mode, b.Outcome)));
        Assert.Contains("FaultDriver failed to start", machine.History()[1].EndReason);
        Assert.Equal(new Select(Current: good, Default: good, Failed: bad, LastKnownGood: good), machine.Select());
        Assert.True(File.Exists(machine.Directory.BackupPath));
        Assert.Empty(await machine.WaitForNoProcessesAsync(Timeout));
    }

    [Fact]
    public async Task LastKnownGoodsLimit_ClassicChannelFile_CrashesEveryBootUntilAPersonDeletesIt()
    {
        using var machine = await CreateMachineAsync("--policy", "classic");
        await machine.InstallDriverAsync("samples/Drivers/Sensor", "--start", "boot", "--error-control", "critical", "--group", "Early-Launch");
        await machine.LkgAsync("content", "push", "Sensor", Sensor("C-00000291-00000000-00000001.sys"));
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");
        var good = machine.Select().LastKnownGood;

        // The update of 19 July: same name, field 21 now a value. No control set changes.
        await machine.LkgAsync("content", "push", "Sensor", Sensor("C-00000291-00000000-00000032.sys"), "--name", "C-00000291-00000000-00000001.sys");
        Assert.Equal(good, machine.Select().Default);
        var halted = await machine.LkgAsync("boot", "--until", "halted", "--timeout", "60s");
        Assert.Contains(":(", halted.Output);
        Assert.Contains("PAGE_FAULT_IN_NONPAGED_AREA", halted.Output);

        await machine.LkgAsync("content", "delete", "Sensor", "C-00000291*");
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");

        var history = machine.History();
        Assert.Equal(
            [
                (BootMode.Normal, BootOutcome.Accepted), (BootMode.Normal, BootOutcome.Bugcheck), (BootMode.Normal, BootOutcome.Bugcheck),
                (BootMode.LastKnownGood, BootOutcome.Bugcheck), (BootMode.SafeMinimal, BootOutcome.Shutdown), (BootMode.Normal, BootOutcome.Accepted),
            ],
            history.Select(b => (b.Mode, b.Outcome)));
        Assert.All(history, b => Assert.Equal(good, b.ControlSet));
        var crashes = machine.Crashes();
        Assert.Equal([2, 3, 4], crashes.Select(c => c.Boot));
        Assert.All(crashes, c => Assert.Equal((BugCheckCode.PageFaultInNonpagedArea, "Sensor"), (c.Code, c.Component)));
        Assert.Empty(await machine.WaitForNoProcessesAsync(Timeout));
    }

    [Fact]
    public async Task SecondBootManager_IsRefusedWithTheHoldersProcessId_AndSigtermShutsTheFirstDownCleanly()
    {
        using var machine = await CreateMachineAsync();
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system");
        using var first = machine.StartBoot();
        await first.WaitForLineAsync(l => l.StartsWith("Boot 1: every component", StringComparison.Ordinal), Timeout);

        var second = await machine.TryLkgAsync("boot", "--until", "1-boots");

        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"process {first.Id}", second.Error);
        Signal(first.Id, "TERM");
        Assert.Equal(0, await first.WaitForExitAsync(Timeout));
        Assert.Equal([(1, BootOutcome.Accepted, (string?)"shut down")], machine.History().Select(b => (b.Number, b.Outcome, b.EndReason)));
        Assert.Empty(await machine.WaitForNoProcessesAsync(Timeout));
    }

    [Theory]
    [InlineData("deleted")]
    [InlineData("replaced")]
    public async Task LockFileDeletedOrReplaced_SecondBootManagerIsRefused_AndTheFirstsKernelSurvives(string change)
    {
        using var machine = await CreateMachineAsync();
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system");
        Dictionary<string, string> noDotnetFileLocking = new() { ["DOTNET_SYSTEM_IO_DISABLEFILELOCKING"] = "1" };
        using var first = machine.StartBoot(noDotnetFileLocking);
        await first.WaitForLineAsync(l => l.StartsWith("Boot 1: every component", StringComparison.Ordinal), Timeout);
        var kernel = machine.History().Single().KernelProcessId!.Value;

        var lockPath = machine.Directory.LockPath;
        File.Delete(lockPath);
        if (change == "replaced")
        {
            // A file that lies: it names process 1.
            File.WriteAllText(lockPath, "1\t2020-01-01T00:00:00.0000000+00:00\tlkg boot\n");
        }

        // The boot manager's own check (MachineLock.StillHeld) sees it; the terminal wraps the sentence.
        await first.WaitForLineAsync(l => l.StartsWith($"Halted: {lockPath}", StringComparison.Ordinal), Timeout);
        var second = await machine.TryLkgAsync(noDotnetFileLocking, "boot", "--until", "1-boots");

        Assert.Equal(1, second.ExitCode);
        Assert.Single(second.Error.Split('\n'));
        Assert.Contains($"in use by process {first.Id} (", second.Error);
        Assert.True(Directory.Exists($"/proc/{kernel}"), "the first boot manager's kernel must survive the second");
        Assert.Null(machine.History().Single().Ended);
        Signal(first.Id, "TERM");
        Assert.Equal(0, await first.WaitForExitAsync(Timeout));
        Assert.Equal([(1, (string?)"shut down")], machine.History().Select(b => (b.Number, b.EndReason)));
        Assert.Empty(await machine.WaitForNoProcessesAsync(Timeout));
    }

    [Fact]
    public async Task ReportBootOkOff_OnlyBootOkAccepts_AndBootBadRebootsIntoLastKnownGood()
    {
        using var machine = await CreateMachineAsync();
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "ReportBootOk", "0", "--type", "dword");
        using var boot = machine.StartBoot("--timeout", "80s");
        await boot.WaitForLineAsync(l => l.StartsWith("Boot 1: every component", StringComparison.Ordinal), Timeout);

        Assert.Equal("running", await StateAsync(machine));
        Assert.Contains("Boot 1 accepted", (await machine.LkgAsync("boot-ok")).Output);
        Assert.Equal("accepted", await StateAsync(machine));

        await machine.LkgAsync("boot-bad");
        await boot.WaitForLineAsync(l => l.StartsWith("Boot 2: every component", StringComparison.Ordinal), Timeout);
        Signal(boot.Id, "TERM");
        Assert.Equal(0, await boot.WaitForExitAsync(Timeout));

        Assert.Equal(
            [(BootMode.Normal, BootOutcome.Killed, (string?)"lkg boot-bad"), (BootMode.LastKnownGood, BootOutcome.Shutdown, "shut down")],
            machine.History().Select(b => (b.Mode, b.Outcome, b.EndReason)));
    }

    [Fact]
    public async Task ReportBootOkOff_TheSdksReportBootOk_AcceptsTheBoot()
    {
        using var machine = await CreateMachineAsync();
        await machine.InstallDriverAsync("test/TestDrivers/FaultDriver", "--start", "system");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\FaultDriver\Parameters", "Fault", "report-boot-ok");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "ReportBootOk", "0", "--type", "dword");

        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");

        Assert.Equal([BootOutcome.Accepted], machine.History().Select(b => b.Outcome));
        Assert.Equal(machine.Select().Current, machine.Select().LastKnownGood);
    }

    [Fact]
    public async Task LastKnownGoodDisabled_SuspendsAutomaticAcceptance_UntilEnabled()
    {
        using var machine = await CreateMachineAsync();
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system");
        await machine.LkgAsync("last-known-good", "disable");

        var suspended = await machine.TryLkgAsync("boot", "--until", "accepted", "--timeout", "3s");
        await machine.LkgAsync("last-known-good", "enable");
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");

        Assert.Equal(1, suspended.ExitCode);
        Assert.Contains("did not reach accepted", suspended.Error);
        Assert.Equal([BootOutcome.Shutdown, BootOutcome.Accepted], machine.History().Select(b => b.Outcome));
        Assert.Equal(2, machine.History()[1].Number);
    }

    [Fact]
    public async Task KernelKilledBehindTheBootManagersBack_IsAKilledBootWithoutAnInventedBugCheck()
    {
        using var machine = await CreateMachineAsync();
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "3600", "--type", "dword");
        using var boot = machine.StartBoot("--until", "2-boots", "--timeout", "80s");
        await boot.WaitForLineAsync(l => l.StartsWith("Boot 1: every component", StringComparison.Ordinal), Timeout);
        var kernel = machine.History()[0].KernelProcessId!.Value;

        Signal(kernel, "KILL");

        Assert.Equal(0, await boot.WaitForExitAsync(Timeout));
        var first = machine.History()[0];
        Assert.Equal(BootOutcome.Killed, first.Outcome);
        Assert.Contains("signal 9 (SIGKILL)", first.EndReason);
        Assert.Empty(machine.Crashes());
    }

    [Fact]
    public async Task StackOverflowInADriver_KillsTheKernel_AndTheBootManagerWritesTheCrashRecordFromStandardError()
    {
        using var machine = await CreateMachineAsync();
        await machine.InstallDriverAsync("samples/Drivers/NotMyFault", "--start", "system");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\NotMyFault\Parameters", "Fault", "stack-overflow");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\NotMyFault\Parameters", "DelayMs", "0", "--type", "dword");

        // The fault fires from a timer, so a boot may be seen ready before it dies: with 1-boots the
        // boot manager could shut boot 1 down first. The second boot ends the run either way.
        await machine.LkgAsync("boot", "--until", "2-boots", "--timeout", "60s");

        Assert.Equal(BootOutcome.Bugcheck, machine.History()[0].Outcome);
        var crash = machine.Crashes().First(c => c.Boot == 1);
        // Not 0xEF, which is for Critical user-mode processes: an exception nobody could handle in kernel mode.
        Assert.Equal((BugCheckCode.KmodeExceptionNotHandled, 0xC00000FDul, 6ul), (crash.Code, crash.Parameters[0], crash.Parameters[2]));
        Assert.Contains("SIGABRT", crash.Message);
        Assert.Contains("Stack overflow", crash.Stack);
        Assert.Contains("NotMyFault", crash.Stack);
    }

    [Fact]
    public async Task Crash_MakesTheRunningKernelBugCheck0xE2_AndTheNextBootIsNormal()
    {
        using var machine = await CreateMachineAsync();
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system");
        using var boot = machine.StartBoot("--until", "2-boots", "--timeout", "80s");
        await boot.WaitForLineAsync(l => l.StartsWith("Boot 1 accepted", StringComparison.Ordinal), Timeout);

        var crash = await machine.LkgAsync("crash");

        Assert.Contains("MANUALLY_INITIATED_CRASH", crash.Output);
        Assert.Equal(0, await boot.WaitForExitAsync(Timeout));
        Assert.Equal([(BootMode.Normal, BootOutcome.Bugcheck), (BootMode.Normal, BootOutcome.Shutdown)], machine.History().Select(b => (b.Mode, b.Outcome)));
        Assert.Equal((BugCheckCode.ManuallyInitiatedCrash, 1), (Assert.Single(machine.Crashes()).Code, Assert.Single(machine.Crashes()).Boot));
    }

    /// <summary>
    /// The boot manager SIGKILLed at random moments, then started again: every boot is recorded
    /// once, in order, with an end; Select names existing sets; no kernel outlives its boot manager.
    /// The machine database starts at schema 2, so the first boot manager migrates it, and the
    /// first kill may land in the migration.
    /// </summary>
    [Fact]
    public async Task BootManagerKilledAtRandomMoments_LeavesAConsistentMachine()
    {
        using var machine = await CreateMachineAsync();
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "1", "--type", "dword");
        MachineDatabaseFiles.DowngradeToSchema2(machine.Directory.HivePath);
        await machine.KillBootManagersAtRandomAsync(8);

        await machine.LkgAsync("boot", "--until", "1-boots", "--timeout", "60s");

        var history = machine.AssertConsistentHistory();
        Assert.Equal(history[^1].ControlSet, machine.Select().Current);
        Assert.Empty(await machine.WaitForNoProcessesAsync(Timeout));
    }

    [Theory]
    [InlineData("--timeout", "1200h")]
    [InlineData("--timeout", "99999999999999999999h")]
    [InlineData("--timeout", "soon")]
    [InlineData("--until", "sometimes")]
    public async Task BadArgument_IsAUsageErrorInOneSentence_AndBootsNothing(string option, string value)
    {
        using var machine = await CreateMachineAsync();

        var result = await machine.TryLkgAsync("boot", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.Split('\n'));
        Assert.Contains(option, result.Error);
        Assert.Empty(machine.History());
    }

    private static async Task<TestMachine> CreateMachineAsync(params string[] init)
    {
        var machine = await TestMachine.CreateAsync(init);
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "0", "--type", "dword");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\SafeBoot\Minimal\Base", "", "Driver Group");
        return machine;
    }

    private static async Task<string> StateAsync(TestMachine machine) =>
        JsonDocument.Parse((await machine.LkgAsync("status", "--json")).Output).RootElement.GetProperty("state").GetString()!;

    private static void Signal(int processId, string signal) =>
        System.Diagnostics.Process.Start("kill", [$"-{signal}", processId.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
}
