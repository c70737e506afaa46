using LastKnownGood.Boot;
using LastKnownGood.Cli;
using LastKnownGood.Internal;
using LastKnownGood.Tests.Machines;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Services;

/// <summary>
/// samples/Programs/HealthCheckedWorker, a Generic Host with LastKnownGood.Hosting's
/// <c>AddLastKnownGood()</c>, as an lkg service in a real boot: readiness, health-fed watchdog,
/// STATUS= and the boot reported good.
/// </summary>
public sealed class HostingServiceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static string Output => Path.Combine(MachineManifestTests.RepositoryRoot(), "samples", "Programs", "HealthCheckedWorker", "bin", TestMachine.BuildConfiguration, "net10.0");

    [Fact]
    public async Task AHealthyHost_IsStartedByItsReadiness_FeedsItsWatchdog_AndGetsTheBootAccepted()
    {
        using var machine = await CreateMachineAsync(sickWhile: null);

        // AcceptAfter is an hour: only the worker's report can accept the boot within the timeout.
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");

        var boot = Assert.Single(machine.History());
        Assert.NotNull(boot.Accepted);
        var log = (await machine.LkgAsync("logs", "-b", "all")).Output;
        Assert.Matches(@"kernel: started HealthCheckedWorker \(pid \d+\): READY=1", log);
        Assert.Contains("HealthCheckedWorker: status: started", log);
        Assert.Contains("HealthCheckedWorker: status: healthy", log);
        Assert.Contains("HealthCheckedWorker: reported the boot good", log);
        Assert.DoesNotContain("WATCHDOG=1 within its watchdog timeout", log);
    }

    [Fact]
    public async Task AHostThatIsUpButUnhealthy_SaysWhy_StopsFeedingItsWatchdog_AndReportsNothing()
    {
        using var temp = new TempDirectory();
        var sick = temp.Combine("sick");
        File.WriteAllText(sick, "");
        using var machine = await CreateMachineAsync(sick);

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Timeout);
        await kernel.WaitForErrorLineAsync(l => l.Contains("HealthCheckedWorker", StringComparison.Ordinal) && l.Contains("sent no WATCHDOG=1 within its watchdog timeout of 2 s", StringComparison.Ordinal), Timeout);
        Assert.Equal(0, Libc.Kill(kernel.Id, Libc.SignalTerm));
        Assert.Equal(KernelExitCodes.Shutdown, await kernel.WaitForExitAsync(Timeout));

        var log = kernel.StandardError;
        Assert.Contains($"HealthCheckedWorker: status: unhealthy: work ({sick} exists)", log);
        Assert.DoesNotContain("reported the boot good", log);
        Assert.DoesNotContain("status: healthy", log);
    }

    /// <summary>A machine with the worker as a notify service under a 2 s watchdog, and boots accepted only when reported good.</summary>
    private static async Task<TestMachine> CreateMachineAsync(string? sickWhile)
    {
        var machine = await TestMachine.CreateAsync();
        string[] sick = sickWhile is null ? [] : ["--arg", "--SickWhile", "--arg", sickWhile];
        await machine.LkgAsync(["service", "create", "HealthCheckedWorker", "--command", CommandWords.Join(["dotnet", Path.Combine(Output, "HealthCheckedWorker.dll")]),
            .. sick, "--notify", "--working-directory", Output]);
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\HealthCheckedWorker", "WatchdogTimeout", "2", "--type", "dword");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "3600", "--type", "dword");
        return machine;
    }
}
