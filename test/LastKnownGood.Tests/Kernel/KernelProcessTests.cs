using System.Net.Sockets;
using LastKnownGood.Boot;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Kernel;

/// <summary>A real kernel process loading a real, signed test driver that fails in one chosen way.</summary>
public sealed class KernelProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("throw", BugCheckCode.KmodeExceptionNotHandled, "System.InvalidOperationException")]
    [InlineData("index", BugCheckCode.PageFaultInNonpagedArea, "System.IndexOutOfRangeException")]
    [InlineData("throw-work-item", BugCheckCode.SystemThreadExceptionNotHandled, "System.InvalidOperationException")]
    [InlineData("hang", BugCheckCode.ThreadStuckInDeviceDriver, null)]
    [InlineData("starve-pool", BugCheckCode.ThreadStuckInDeviceDriver, null)]
    [InlineData("bugcheck", BugCheckCode.ManuallyInitiatedCrash, null)]
    [InlineData("patch-kernel", BugCheckCode.CriticalStructureCorruption, null)]
    public async Task Fault_InARealKernel_IsABugCheckWithARecord(string fault, BugCheckCode expected, string? exceptionType)
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("test/TestDrivers/FaultDriver", "--start", "system", "--error-control", "normal");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\FaultDriver\Parameters", "Fault", fault);

        using var kernel = machine.StartKernel("--watchdog", "1");
        var exit = await kernel.WaitForExitAsync(Timeout);

        Assert.Equal(KernelExitCodes.BugCheck, exit);
        var crash = Assert.Single(machine.Crashes());
        Assert.Equal(expected, crash.Code);
        Assert.Equal(exceptionType, crash.ExceptionType);
        Assert.Equal(expected == BugCheckCode.CriticalStructureCorruption ? null : "FaultDriver", crash.Component);
        Assert.Contains("FaultDriver", kernel.StandardError);
        Assert.Contains($"0x{(uint)expected:X8}", kernel.StandardError);
        if (expected == BugCheckCode.ManuallyInitiatedCrash)
        {
            Assert.Equal([1ul, 2ul, 3ul, 4ul], crash.Parameters);
        }

        if (exceptionType is not null)
        {
            Assert.Contains("FaultDriver.FaultDriver", crash.Stack);
        }
    }

    [Fact]
    public async Task HealthyDriver_Starts_AndTheKernelShutsDownOnSigterm_ListeningOnItsSocket_RecordingItsStartUpProfile()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "boot", "--error-control", "critical");

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Timeout);
        Assert.False(File.Exists(machine.Directory.KernelProfilePath));
        var socket = Path.Combine(machine.Root, "kernel.sock");
        using (var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            await client.ConnectAsync(new UnixDomainSocketEndPoint(socket));
        }

        Assert.Contains("Hello: saw an IPC event with 20 fields", kernel.StandardError);
        System.Diagnostics.Process.Start("kill", ["-TERM", kernel.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).WaitForExit();

        Assert.Equal(KernelExitCodes.Shutdown, await kernel.WaitForExitAsync(Timeout));
        Assert.Contains("Hello: Goodbye", kernel.StandardError);
        Assert.Empty(machine.Crashes());
        Assert.True(new FileInfo(machine.Directory.KernelProfilePath).Length > 0, "a clean shutdown records the start-up profile for the next boot");
        Assert.False(File.Exists(socket), "a clean shutdown removes the kernel's socket");
    }

    [Theory]
    [InlineData("critical", false, KernelExitCodes.RebootWithLastKnownGood)]
    [InlineData("severe", false, KernelExitCodes.RebootWithLastKnownGood)]
    [InlineData("critical", true, KernelExitCodes.BugCheck)]
    public async Task StartFailure_FollowsErrorControl(string errorControl, bool lastKnownGood, int expectedExit)
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("test/TestDrivers/FaultDriver", "--start", "boot", "--error-control", errorControl);
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\FaultDriver\Parameters", "Fault", "fail");

        using var kernel = lastKnownGood ? machine.StartKernel("--mode", "last-known-good") : machine.StartKernel();

        Assert.Equal(expectedExit, await kernel.WaitForExitAsync(Timeout));
        Assert.Contains("FaultDriver failed to start", kernel.StandardError);
        var crashes = machine.Crashes();
        Assert.Equal(expectedExit == KernelExitCodes.BugCheck ? [BugCheckCode.InaccessibleBootDevice] : [], crashes.Select(c => c.Code));
    }

    [Fact]
    public async Task NormalStartFailure_IsLoggedAndTheBootGoesOn()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("test/TestDrivers/FaultDriver", "--start", "boot", "--error-control", "normal");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\FaultDriver\Parameters", "Fault", "fail");

        using var kernel = machine.StartKernel();

        await kernel.WaitForLineAsync(l => l == "ready", Timeout);
        Assert.Contains("FaultDriver failed to start", kernel.StandardError);
    }

    [Theory]
    [InlineData("C-00000291-00000000-00000001.sys", false)]
    [InlineData("C-00000291-00000000-00000032.sys", true)]
    public async Task Sensor_ChannelFileWithAValueInField21_IsBugCheck0x50NamingSensor(string channelFile, bool crashes)
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/Sensor", "--start", "boot", "--error-control", "critical", "--group", "Early-Launch");
        var content = Path.Combine(Tests.Machines.MachineManifestTests.RepositoryRoot(), "samples", "Drivers", "Sensor", "content", channelFile);
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Sensor\Content", "C-00000291-00000000-00000001.sys", content, "--type", "file");

        using var kernel = machine.StartKernel();

        if (!crashes)
        {
            await kernel.WaitForLineAsync(l => l == "ready", Timeout);
            Assert.Empty(machine.Crashes());
            return;
        }

        Assert.Equal(KernelExitCodes.BugCheck, await kernel.WaitForExitAsync(Timeout));
        var crash = Assert.Single(machine.Crashes());
        Assert.Equal((BugCheckCode.PageFaultInNonpagedArea, "Sensor"), (crash.Code, crash.Component));
        Assert.Contains("Sensor.ContentInterpreter.Match", crash.Stack);
        Assert.Contains(crash.LastEvents, e => e.Contains("loaded C-00000291", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TamperedInstalledPackage_IsRefusedAtLoad()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "boot", "--error-control", "critical");
        var installed = Directory.GetDirectories(machine.Directory.DriversPath).Single();
        File.AppendAllText(Path.Combine(installed, "driver.json"), " ");

        using var kernel = machine.StartKernel();

        Assert.Equal(KernelExitCodes.RebootWithLastKnownGood, await kernel.WaitForExitAsync(Timeout));
        Assert.Contains("STATUS_INVALID_IMAGE_HASH", kernel.StandardError);
    }

    [Fact]
    public async Task NotMyFaultOverflow_IsFoundLaterByAnotherDriversPoolCall_WhichIsBlamed()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/NotMyFault", "--start", "boot", "--error-control", "normal");
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system", "--error-control", "normal");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\NotMyFault\Parameters", "Fault", "overflow");

        using var kernel = machine.StartKernel();

        Assert.Equal(KernelExitCodes.BugCheck, await kernel.WaitForExitAsync(Timeout));
        var crash = Assert.Single(machine.Crashes());
        Assert.Contains(crash.Code, new[] { BugCheckCode.BadPoolHeader, BugCheckCode.DriverCorruptedExpool });
        Assert.Equal("Hello", crash.Component);
        Assert.Contains("Hello.HelloDriver.Refresh", crash.Stack);
        Assert.DoesNotContain("NotMyFault", crash.Stack);
        Assert.Contains(crash.LastEvents, e => e.Contains("NotMyFault: wrote 96 bytes into a 64-byte buffer", StringComparison.Ordinal));
        // The evidence that points past the finder: the block before the damaged one is NotMyFault's.
        Assert.Equal(("NMFt", "NotMyFault"), (crash.Pool!.PrecedingTag, crash.Pool.PrecedingOwner));
    }

    [Theory]
    [InlineData("double-free", BugCheckCode.BadPoolCaller)]
    [InlineData("bad-read", BugCheckCode.PageFaultInNonpagedArea)]
    public async Task NotMyFault_PoolMisuse_IsCaughtAtTheFaultingDriver(string fault, BugCheckCode expected)
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/NotMyFault", "--start", "system");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\NotMyFault\Parameters", "Fault", fault);

        using var kernel = machine.StartKernel();

        Assert.Equal(KernelExitCodes.BugCheck, await kernel.WaitForExitAsync(Timeout));
        var crash = Assert.Single(machine.Crashes());
        Assert.Equal((expected, "NotMyFault"), (crash.Code, crash.Component));
    }

    [Fact]
    public async Task UnreadableHive_IsBugCheck0x74()
    {
        using var machine = await TestMachine.CreateAsync();
        File.WriteAllText(machine.Directory.HivePath, "this is not a hive");

        using var kernel = machine.StartKernel();

        Assert.Equal(KernelExitCodes.BugCheck, await kernel.WaitForExitAsync(Timeout));
        Assert.Contains("*** STOP: 0x00000074 (BAD_SYSTEM_CONFIG_INFO)", kernel.StandardError);
    }

    [Fact]
    public async Task FailureOfTheKernelsOwnCode_IsABugCheckNamingTheKernel()
    {
        using var machine = await TestMachine.CreateAsync();
        // The kernel's socket cannot be made where a directory stands in its way.
        Directory.CreateDirectory(Path.Combine(machine.Root, "kernel.sock", "in-the-way"));

        using var kernel = machine.StartKernel();

        Assert.Equal(KernelExitCodes.BugCheck, await kernel.WaitForExitAsync(Timeout));
        var crash = Assert.Single(machine.Crashes());
        Assert.Equal((BugCheckCode.KmodeExceptionNotHandled, (string?)null), (crash.Code, crash.Component));
        Assert.Contains("The kernel's own code failed", crash.Message);
        Assert.Contains(crash.Frames, f => f.Module == "LastKnownGood" && f.Type == "LastKnownGood.Kernel.Kernel");
        Assert.Contains("*** STOP: 0x0000001E (KMODE_EXCEPTION_NOT_HANDLED) kernel:", kernel.StandardError);
    }

    [Fact]
    public async Task WithoutControlSet_TheKernelBootsDefault_NotAStaleCurrent()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "0", "--type", "dword");
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Hello\Parameters", "Greeting", "changed");
        var select = machine.Select();
        Assert.NotEqual(select.Current, select.Default);

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Timeout);

        Assert.Contains($"booting ControlSet{select.Default:000}", kernel.StandardError);
    }

    [Fact]
    public async Task PageFault_HasWindowsParameterLayout_AndStructuredFrames()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("test/TestDrivers/FaultDriver", "--start", "system");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\FaultDriver\Parameters", "Fault", "index");

        using var kernel = machine.StartKernel();

        Assert.Equal(KernelExitCodes.BugCheck, await kernel.WaitForExitAsync(Timeout));
        var crash = Assert.Single(machine.Crashes());
        Assert.Equal((BugCheckCode.PageFaultInNonpagedArea, "FaultDriver"), (crash.Code, crash.Component));
        // p2 0: a read; p3 the faulting method's code; p4 0: the page is not present.
        Assert.Equal(0ul, crash.Parameters[1]);
        Assert.NotEqual(0ul, crash.Parameters[2]);
        Assert.Equal(0ul, crash.Parameters[3]);
        var faulting = crash.Frames.First(f => f.Owner is not null);
        Assert.Equal(("FaultDriver", "FaultDriver", "FaultDriver.FaultDriver", "DriverEntry"), (faulting.Module, faulting.Owner, faulting.Type, faulting.Method));
        Assert.True(faulting.ILOffset >= 0);
    }
}
