using System.Globalization;
using LastKnownGood.Boot;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Kernel;

/// <summary>The verifier in a real kernel: NotMyFault's faults caught at NotMyFault once <c>lkg verifier enable</c> says so.</summary>
public sealed class VerifierProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task NotMyFaultOverflow_UnderSpecialPool_IsBugCheck0xD6AtTheWrite_NamingNotMyFault()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/NotMyFault", "--start", "boot", "--error-control", "normal");
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system", "--error-control", "normal");
        await NotMyFaultWillAsync(machine, "overflow");
        await machine.LkgAsync("verifier", "enable", "NotMyFault", "--special-pool");

        using var kernel = machine.StartKernel();

        Assert.Equal(KernelExitCodes.BugCheck, await kernel.WaitForExitAsync(Timeout));
        var crash = Assert.Single(machine.Crashes());
        Assert.Equal((BugCheckCode.DriverPageFaultBeyondEndOfAllocation, "NotMyFault"), (crash.Code, crash.Component));
        Assert.Equal(1ul, crash.Parameters[1]);
        Assert.Contains("NotMyFault.NotMyFaultDriver.Overflow", crash.Stack);
        Assert.Contains("wrote 96 bytes at offset 0 of its 64-byte special pool block", crash.Message);
        Assert.DoesNotContain(crash.LastEvents, e => e.Contains("NotMyFault: wrote 96 bytes", StringComparison.Ordinal));
        Assert.Equal(("NMFt", "NotMyFault", (ulong?)null), (crash.Pool!.BlockTag, crash.Pool.BlockOwner, crash.Pool.PrecedingBlock));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NotMyFaultLeak_UnderPoolTracking_IsBugCheck0xC4Parameter0x62AtShutdown_AndUnverifiedAShutdown(bool verified)
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/NotMyFault", "--start", "system", "--error-control", "normal");
        await NotMyFaultWillAsync(machine, "leak");
        if (verified)
        {
            await machine.LkgAsync("verifier", "enable", "NotMyFault", "--pool-tracking");
        }

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Timeout);
        await kernel.WaitForErrorLineAsync(l => l.Contains("NotMyFault: allocated 4096 bytes it will never free", StringComparison.Ordinal), Timeout);
        System.Diagnostics.Process.Start("kill", ["-TERM", kernel.Id.ToString(CultureInfo.InvariantCulture)]).WaitForExit();

        var exit = await kernel.WaitForExitAsync(Timeout);

        if (!verified)
        {
            Assert.Equal(KernelExitCodes.Shutdown, exit);
            Assert.Empty(machine.Crashes());
            return;
        }

        Assert.Equal(KernelExitCodes.BugCheck, exit);
        var crash = Assert.Single(machine.Crashes());
        Assert.Equal((BugCheckCode.DriverVerifierDetectedViolation, "NotMyFault"), (crash.Code, crash.Component));
        Assert.Equal([0x62ul, 1ul, 0ul, 1ul], crash.Parameters);
        Assert.Contains("NotMyFault unloaded without freeing 1 pool allocation (4096 bytes)", crash.Message);
    }

    [Theory]
    [InlineData(true, BugCheckCode.DriverVerifierDetectedViolation)]
    [InlineData(false, BugCheckCode.ThreadStuckInDeviceDriver)]
    public async Task NotMyFaultDeadlock_UnderDeadlockDetection_IsBugCheck0xC4Parameter0x1001_AndUnverifiedAHangTheWatchdogStops(bool verified, BugCheckCode expected)
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/NotMyFault", "--start", "system", "--error-control", "normal");
        await NotMyFaultWillAsync(machine, "deadlock");
        if (verified)
        {
            await machine.LkgAsync("verifier", "enable", "NotMyFault", "--deadlock");
        }

        using var kernel = machine.StartKernel("--watchdog", "1");

        Assert.Equal(KernelExitCodes.BugCheck, await kernel.WaitForExitAsync(Timeout));
        var crash = Assert.Single(machine.Crashes());
        Assert.Equal((expected, "NotMyFault"), (crash.Code, crash.Component));
        if (verified)
        {
            Assert.Equal(0x1001ul, crash.Parameters[0]);
            Assert.Contains("NotMyFault acquires the lock NotMyFault.", crash.Message);
            Assert.Contains("NotMyFault.NotMyFaultDriver.TakeInOrder", crash.Stack);
        }
    }

    [Fact]
    public async Task Watchdog_UnderTheVerifier_StopsAStuckCallAfterOneSecond_NotTheKernelsTen()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("test/TestDrivers/FaultDriver", "--start", "system", "--error-control", "normal");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\FaultDriver\Parameters", "Fault", "hang");
        await machine.LkgAsync("verifier", "enable", "FaultDriver", "--watchdog");

        using var kernel = machine.StartKernel("--watchdog", "10");

        Assert.Equal(KernelExitCodes.BugCheck, await kernel.WaitForExitAsync(Timeout));
        var crash = Assert.Single(machine.Crashes());
        Assert.Equal((BugCheckCode.ThreadStuckInDeviceDriver, "FaultDriver"), (crash.Code, crash.Component));
        Assert.Contains("past the watchdog's 1 s", crash.Message);
    }

    [Fact]
    public async Task SafeMode_IgnoresTheVerifier_AndSaysSo()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/NotMyFault", "--start", "system", "--error-control", "normal");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\SafeBoot\Minimal\NotMyFault", "", "Driver");
        await NotMyFaultWillAsync(machine, "deadlock");
        await machine.LkgAsync("verifier", "enable", "NotMyFault", "--deadlock");

        using var kernel = machine.StartKernel("--mode", "safe-minimal", "--watchdog", "1");

        Assert.Equal(KernelExitCodes.BugCheck, await kernel.WaitForExitAsync(Timeout));
        var crash = Assert.Single(machine.Crashes());
        Assert.Equal((BugCheckCode.ThreadStuckInDeviceDriver, "NotMyFault"), (crash.Code, crash.Component));
        Assert.Contains(@"safe mode: the verifier is off; Control\Verifier names NotMyFault", kernel.StandardError);
    }

    private static Task NotMyFaultWillAsync(TestMachine machine, string fault) =>
        machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\NotMyFault\Parameters", "Fault", fault);
}
