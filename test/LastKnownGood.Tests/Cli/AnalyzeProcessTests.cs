using System.Text.Json;
using LastKnownGood.Boot;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Diagnostics;
using LastKnownGood.Tests.Support;
using LastKnownGood.Verifier;

namespace LastKnownGood.Tests.Cli;

/// <summary><c>lkg analyze</c> on what a real kernel left behind when a real, signed driver faulted in it.</summary>
public sealed class AnalyzeProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Analyze_RealKernelBugCheck0x50_BlamesTheFaultingDriverAndItsPackage()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("test/TestDrivers/FaultDriver", "--start", "system", "--error-control", "normal");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\FaultDriver\Parameters", "Fault", "index");
        using (var kernel = machine.StartKernel())
        {
            Assert.Equal(KernelExitCodes.BugCheck, await kernel.WaitForExitAsync(Timeout));
        }

        var json = await machine.LkgAsync("analyze", "--json");
        var human = await machine.LkgAsync("analyze");

        var analysis = JsonSerializer.Deserialize(json.Output, CliJson.Default.CrashAnalysis)!;
        Assert.Equal((BugCheckCode.PageFaultInNonpagedArea, "FaultDriver"), (analysis.Code, analysis.Blamed));
        Assert.Equal(("FaultDriver.dll", "1.0.0"), (analysis.ImageName, analysis.ImageVersion));
        Assert.Equal(("0x50_FaultDriver!FaultDriver.DriverEntry", "FaultDriver!FaultDriver.DriverEntry"), (analysis.FailureBucketId, analysis.SymbolName));
        Assert.Equal(("FaultDriver", Confidence.Certain), (analysis.Stack[analysis.BlamedFrame!.Value].Owner, analysis.Confidence));
        Assert.Equal(machine.Crashes()[0].Id, analysis.Crash);
        Assert.Contains("FAILURE_BUCKET_ID:  0x50_FaultDriver!FaultDriver.DriverEntry", human.Output);
        // The kernel's own frames get their lines from the PDBs beside the runtime's assemblies.
        Assert.Contains(analysis.Stack, f => f.Module == "LastKnownGood" && f.Line is not null);
    }

    [Fact]
    public async Task Analyze_NotMyFaultOverflowFoundByHello_IsUncertain_AndNamesNotMyFaultThroughThePoolTag()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/NotMyFault", "--start", "boot", "--error-control", "normal");
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system", "--error-control", "normal");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\NotMyFault\Parameters", "Fault", "overflow");
        using (var kernel = machine.StartKernel())
        {
            Assert.Equal(KernelExitCodes.BugCheck, await kernel.WaitForExitAsync(Timeout));
        }

        var analysis = JsonSerializer.Deserialize((await machine.LkgAsync("analyze", "--json")).Output, CliJson.Default.CrashAnalysis)!;

        Assert.Contains(analysis.Code, new[] { BugCheckCode.BadPoolHeader, BugCheckCode.DriverCorruptedExpool });
        Assert.Equal(("Hello", "Hello!HelloDriver.Refresh", Confidence.Uncertain), (analysis.Blamed, analysis.SymbolName, analysis.Confidence));
        Assert.Equal(("NMFt", "NotMyFault"), (analysis.Pool?.PrecedingTag, analysis.Pool?.PrecedingOwner));
        var suspect = Assert.Single(analysis.Suspects);
        Assert.Equal("NotMyFault", suspect.Driver);
        Assert.Contains("'NMFt'", suspect.Reason);
    }

    [Fact]
    public async Task Analyze_NotMyFaultOverflowUnderSpecialPool_IsCertain0xD6_InNotMyFault_WithVrf()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/NotMyFault", "--start", "boot", "--error-control", "normal");
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system", "--error-control", "normal");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\NotMyFault\Parameters", "Fault", "overflow");
        await machine.LkgAsync("verifier", "enable", "NotMyFault", "--special-pool");
        using (var kernel = machine.StartKernel())
        {
            Assert.Equal(KernelExitCodes.BugCheck, await kernel.WaitForExitAsync(Timeout));
        }

        var analysis = JsonSerializer.Deserialize((await machine.LkgAsync("analyze", "--json")).Output, CliJson.Default.CrashAnalysis)!;

        Assert.Equal((BugCheckCode.DriverPageFaultBeyondEndOfAllocation, "NotMyFault", Confidence.Certain), (analysis.Code, analysis.Blamed, analysis.Confidence));
        Assert.Equal(("0xD6_NotMyFault!NotMyFaultDriver.Overflow_VRF", VerifierFlags.SpecialPool), (analysis.FailureBucketId, analysis.Verifier));
        Assert.Equal(("NMFt", "NotMyFault"), (analysis.Pool?.BlockTag, analysis.Pool?.BlockOwner));
        Assert.Empty(analysis.Suspects);
    }

    [Fact]
    public async Task Analyze_LockInversionUnderDeadlockDetection_IsCertain0xC4_0x1001_InNotMyFault()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/NotMyFault", "--start", "system", "--error-control", "normal");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\NotMyFault\Parameters", "Fault", "deadlock");
        await machine.LkgAsync("verifier", "enable", "NotMyFault", "--deadlock");
        using (var kernel = machine.StartKernel())
        {
            Assert.Equal(KernelExitCodes.BugCheck, await kernel.WaitForExitAsync(Timeout));
        }

        var analysis = JsonSerializer.Deserialize((await machine.LkgAsync("analyze", "--json")).Output, CliJson.Default.CrashAnalysis)!;

        Assert.Equal((BugCheckCode.DriverVerifierDetectedViolation, 0x1001ul), (analysis.Code, analysis.Arguments[0].Value));
        Assert.Equal(("NotMyFault", Confidence.Certain, VerifierFlags.Deadlock), (analysis.Blamed, analysis.Confidence, analysis.Verifier));
        Assert.StartsWith("0xC4_NotMyFault!NotMyFaultDriver.", analysis.FailureBucketId);
        Assert.EndsWith("_VRF", analysis.FailureBucketId);
    }

    [Fact]
    public async Task Analyze_StackOverflowRecordedFromTheExitStatus_TakesTheFramesFromTheDump_AndBlamesNotMyFault()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/NotMyFault", "--start", "system");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\NotMyFault\Parameters", "Fault", "stack-overflow");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\NotMyFault\Parameters", "DelayMs", "0", "--type", "dword");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\CrashControl", "DumpType", "mini");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "3600", "--type", "dword");
        // The fault fires from a timer, so boot 1 may be seen ready first; the second boot ends the run either way.
        await machine.LkgAsync("boot", "--until", "2-boots", "--timeout", "60s");
        var crash = machine.Crashes().First(c => c.Boot == 1);

        var analysis = JsonSerializer.Deserialize((await machine.LkgAsync("analyze", $"{crash.Id}", "--json")).Output, CliJson.Default.CrashAnalysis)!;

        Assert.Empty(crash.Frames);
        Assert.StartsWith($"the dump {crash.Dump}", analysis.StackSource);
        Assert.Equal(("NotMyFault", "NotMyFault!NotMyFaultDriver.Recurse", Confidence.Likely), (analysis.Blamed, analysis.SymbolName, analysis.Confidence));
    }
}
