using System.Text.Json;
using LastKnownGood.Boot;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Tests.Support;

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
        Assert.StartsWith("0x50_FaultDriver", analysis.FailureBucketId);
        Assert.Equal(machine.Crashes()[0].Id, analysis.Crash);
        Assert.Contains("FAILURE_BUCKET_ID:  " + analysis.FailureBucketId, human.Output);
    }
}
