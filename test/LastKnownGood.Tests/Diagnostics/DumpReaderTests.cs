using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Diagnostics;

/// <summary>Real dumps of real kernels, written by the boot manager or by the runtime, read back with ClrMD.</summary>
public sealed class DumpReaderTests
{
    [Fact]
    public async Task BugCheckDump_RecoversTheSameFaultingMethodAsTheRecord()
    {
        using var machine = await CreateMachineAsync("test/TestDrivers/FaultDriver", "index");

        await machine.LkgAsync("boot", "--until", "1-boots", "--timeout", "60s");

        var crash = Assert.Single(machine.Crashes());
        var dump = Read(machine, crash);
        Assert.Equal("the thread in the kernel's bug check", dump.Why);
        var recorded = crash.Frames.First(f => f.Owner is not null);
        var dumped = dump.Frames.First(f => f.Owner is not null);
        Assert.Equal((recorded.Owner, recorded.Type, recorded.Method, recorded.MethodToken), (dumped.Owner, dumped.Type, dumped.Method, dumped.MethodToken));
    }

    [Fact]
    public async Task StackOverflowDump_NamesTheDriver_WhereTheRecordCannot()
    {
        using var machine = await CreateMachineAsync("samples/Drivers/NotMyFault", "stack-overflow");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\NotMyFault\Parameters", "DelayMs", "0", "--type", "dword");

        await machine.LkgAsync("boot", "--until", "2-boots", "--timeout", "60s");

        var crash = machine.Crashes().First(c => c.Boot == 1);
        Assert.Equal((null, 0), (crash.Component, crash.Frames.Count));
        var dump = Read(machine, crash);
        Assert.Equal(("NotMyFault", "NotMyFault.NotMyFaultDriver", "Recurse"), (dump.Frames[0].Owner, dump.Frames[0].Type, dump.Frames[0].Method));
    }

    [Fact]
    public async Task AFileThatIsNotADump_IsRefusedInOneLine_ByLkgHost_AndTheReaderSaysTheSame()
    {
        using var temp = new TempDirectory();
        var notADump = temp.Combine("not-a-dump.dmp");
        File.WriteAllText(notADump, "these bytes are no ELF core file\n");

        var read = await Lkg.RunHostAsync(DumpReader.Role, notADump);

        Assert.Equal((1, ""), (read.ExitCode, read.Output));
        Assert.Matches(@"^[^\n]*\w[^\n]*$", read.Error);
        Assert.DoesNotContain("   at ", read.Error, StringComparison.Ordinal);
        var refused = Assert.Throws<LkgException>(() => Lkg.Dumps.Read(notADump, _ => null));
        Assert.Equal(read.Error, refused.Message);
    }

    /// <summary>A reader that answers with no stack (a broken or foreign lkg-host) fails the read in a sentence, never with a JSON or null exception that would reach the boot manager's decision.</summary>
    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("{\"why\": \"x\", \"frames\": [null]}")]
    [InlineData("{\"why\": \"x\", \"frames\": [{\"module\": \"m\"}]}")]
    [InlineData("")]
    public void AnAnswerThatIsNoStack_IsAnLkgException(string answer)
    {
        var reader = new DumpReader(new KernelCommandLine("/bin/sh", ["-c", "printf '%s' \"$0\"", answer]));

        var refused = Assert.Throws<LkgException>(() => reader.Read("/nonexistent.dmp", _ => null));

        Assert.StartsWith($"lkg-host {DumpReader.Role} wrote no stack", refused.Message, StringComparison.Ordinal);
    }

    private static async Task<TestMachine> CreateMachineAsync(string driver, string fault)
    {
        var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync(driver, "--start", "system");
        var name = Path.GetFileName(driver);
        await machine.LkgAsync("reg", "set", $@"SYSTEM\CurrentControlSet\Services\{name}\Parameters", "Fault", fault);
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\CrashControl", "DumpType", "mini");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "3600", "--type", "dword");
        return machine;
    }

    private static DumpStack Read(TestMachine machine, CrashRecord crash)
    {
        Assert.NotNull(crash.Dump);
        using var hive = machine.Directory.OpenHive(TimeProvider.System);
        return Lkg.Dumps.Read(Path.Combine(machine.Directory.DumpsPath, crash.Dump), DriverModules.OwnerOf(hive, crash.ControlSet, machine.Directory));
    }
}
