using System.IO.MemoryMappedFiles;
using LastKnownGood.Boot;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Boot;

/// <summary>
/// DESIGN §9 under a real boot manager: a bug check stops every thread of the machine first and
/// hands its record over; the boot manager makes it durable, takes the dump, ends the group.
/// </summary>
public sealed class BugCheckHandoffTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>How long after the bug check's decision the spinning driver may still be seen to finish a round.</summary>
    private static readonly TimeSpan Freeze = TimeSpan.FromMilliseconds(1);

    [Theory]
    [InlineData("none", false)]
    [InlineData("mini", false)]
    [InlineData("none", true)]
    public async Task BugCheckOfAnotherDriver_StopsASpinningDriverAtOnce(string dumpType, bool hiveHeldByAnotherProcess)
    {
        using var machine = await TestMachine.CreateAsync();
        var counterFile = Path.Combine(Path.GetDirectoryName(machine.Root)!, "counter");
        await machine.InstallDriverAsync("test/TestDrivers/FaultDriver", "--start", "system");
        await machine.InstallDriverAsync("samples/Drivers/NotMyFault", "--start", "system");
        await Set(machine, @"Services\FaultDriver\Parameters", "Fault", "spin");
        await Set(machine, @"Services\FaultDriver\Parameters", "CounterFile", counterFile);
        await Set(machine, @"Services\NotMyFault\Parameters", "Fault", "bad-read");
        await Set(machine, @"Services\NotMyFault\Parameters", "DelayMs", hiveHeldByAnotherProcess ? "3000" : "1000", "dword");
        await Set(machine, @"Control\CrashControl", "DumpType", dumpType);
        await Set(machine, @"Control\Recovery", "AcceptAfter", "3600", "dword");

        using var boot = machine.StartBoot("--until", "2-boots", "--timeout", "80s");
        ChildProcess? holder = null;
        if (hiveHeldByAnotherProcess)
        {
            await boot.WaitForLineAsync(l => l.StartsWith("Boot 1: every component", StringComparison.Ordinal), Timeout);
            holder = ChildProcess.Start("HiveChild", ["hold-write", machine.Directory.HivePath]);
            await holder.WaitForLineAsync(l => l == "holding", Timeout);
            var kernel = machine.History()[0].KernelProcessId!.Value;
            await WaitUntilStoppedOrGoneAsync(kernel);
            var frozen = ReadCounter(counterFile);
            await Task.Delay(200);
            Assert.Equal(frozen, ReadCounter(counterFile));
            holder.Dispose();
        }

        Assert.Equal(0, await boot.WaitForExitAsync(Timeout));
        var crash = machine.Crashes().First(c => c.Boot == 1);
        Assert.Equal((BugCheckCode.PageFaultInNonpagedArea, "NotMyFault"), (crash.Code, crash.Component));
        var (rounds, lastReturned) = ReadCounter(counterFile);
        Assert.True(rounds > 0, "The spinning driver never ran.");
        var ranOn = lastReturned - crash.Time.UtcDateTime;
        Assert.True(ranOn <= Freeze, $"The spinning driver's SDK calls returned {ranOn.TotalMilliseconds:0.000} ms after the bug check was decided ({rounds} rounds).");
        if (dumpType == "mini")
        {
            Assert.Equal($"crash-{crash.Id}.dmp", crash.Dump);
            using var dump = File.OpenRead(Path.Combine(machine.Directory.DumpsPath, crash.Dump!));
            var magic = new byte[4];
            dump.ReadExactly(magic);
            Assert.Equal("\u007fELF"u8.ToArray(), magic);
        }
        else
        {
            Assert.Null(crash.Dump);
        }

        Assert.Empty(await machine.WaitForNoProcessesAsync(Timeout));
    }

    [Theory]
    [InlineData("throw-thread")]
    [InlineData("throw-thread-pool")]
    [InlineData("throw-task")]
    [InlineData("throw-timer")]
    public async Task ExceptionOutsideTheSdk_IsBugCheck0x7ENamingTheDriver_AndTheBootIsNotAccepted(string fault)
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("test/TestDrivers/FaultDriver", "--start", "system");
        await Set(machine, @"Services\FaultDriver\Parameters", "Fault", fault);
        await Set(machine, @"Control\Recovery", "AcceptAfter", "5", "dword");

        await machine.LkgAsync("boot", "--until", "2-boots", "--timeout", "60s");

        var first = machine.History()[0];
        Assert.Equal((BootOutcome.Bugcheck, (DateTimeOffset?)null), (first.Outcome, first.Accepted));
        var crash = machine.Crashes().First(c => c.Boot == 1);
        Assert.Equal((BugCheckCode.SystemThreadExceptionNotHandled, "FaultDriver"), (crash.Code, crash.Component));
        Assert.Equal("System.InvalidOperationException", crash.ExceptionType);
        Assert.Contains(crash.Frames, f => f.Owner == "FaultDriver");
    }

    [Fact]
    public async Task MachineUnderALongPath_Boots()
    {
        var name = string.Join('/', Enumerable.Repeat(new string('m', 49), 4));
        using var machine = await TestMachine.CreateNamedAsync(name);
        Assert.True(machine.Root.Length >= 200, machine.Root);
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system");
        await Set(machine, @"Control\Recovery", "AcceptAfter", "0", "dword");

        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");

        Assert.Equal(BootOutcome.Accepted, Assert.Single(machine.History()).Outcome);
        Assert.Empty(machine.Crashes());
    }

    private static Task Set(TestMachine machine, string key, string name, string value, string type = "sz") =>
        machine.LkgAsync("reg", "set", $@"SYSTEM\CurrentControlSet\{key}", name, value, "--type", type);

    private static (long Rounds, DateTime LastReturned) ReadCounter(string path)
    {
        using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = file.CreateViewAccessor(0, 16, MemoryMappedFileAccess.Read);
        return (view.ReadInt64(0), new DateTime(view.ReadInt64(8), DateTimeKind.Utc));
    }

    /// <summary>Stopped by its bug check, or already ended by the boot manager, which holds the record until the hive is free.</summary>
    private static async Task WaitUntilStoppedOrGoneAsync(int processId)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (ProcessTable.State(processId) is { } state && state != 'T')
        {
            Assert.True(DateTime.UtcNow < deadline, $"Process {processId} never stopped.");
            await Task.Delay(20);
        }
    }
}
