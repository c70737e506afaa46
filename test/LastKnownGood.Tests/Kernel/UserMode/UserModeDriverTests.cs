using LastKnownGood.Boot;
using LastKnownGood.Internal;
using LastKnownGood.Tests.Machines;
using LastKnownGood.Tests.Support;
using static LastKnownGood.Tests.Kernel.UserMode.UserModeMachine;

namespace LastKnownGood.Tests.Kernel.UserMode;

/// <summary>A real kernel starting a real, signed user-mode driver in its own lkg-host umhost process.</summary>
public sealed class UserModeDriverTests
{
    [Fact]
    public async Task Driver_StartsInItsOwnHost_AndCallsKernelServices()
    {
        using var machine = await UserModeMachine.CreateAsync("services");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\UserModeProbe\Parameters", "Greeting", "hello from the hive");

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Patience);
        var started = await kernel.WaitForErrorLineAsync(l => l.Contains("started UserModeProbe 1.0.0 in its user-mode host", StringComparison.Ordinal), Patience);
        var host = HostPid(started);

        Assert.NotEqual(kernel.Id, host);
        Assert.Contains($"UserModeProbe: DriverEntry in pid {host} with probe services", kernel.StandardError);
        Assert.Contains("UserModeProbe: Greeting: hello from the hive", kernel.StandardError);
        Assert.Contains("UserModeProbe: Missing: STATUS_OBJECT_NAME_NOT_FOUND", kernel.StandardError);
        Assert.Equal(KernelExitCodes.Shutdown, await ShutDownAsync(kernel));
        Assert.Contains("UserModeProbe: unloaded", kernel.StandardError);
        Assert.False(Directory.Exists($"/proc/{host}"), "the host ends with its kernel");
    }

    [Fact]
    public async Task DriverThatThrows_IsRestartedThreeTimes_ThenDisabled_WhileTheKernelAndOtherDriversRunOn()
    {
        using var machine = await UserModeMachine.CreateAsync("throw-later");

        using var kernel = machine.StartKernel();
        await kernel.WaitForErrorLineAsync(l => l.Contains("UserModeProbe disabled after 4 crashes", StringComparison.Ordinal), Patience);

        var log = kernel.StandardError;
        Assert.Equal(4, Count(log, "UserModeProbe: InvalidOperationException escaped UserModeProbe in WorkItem"));
        Assert.Equal(3, Count(log, "restarting UserModeProbe"));
        Assert.Contains("crashed: it exited with code 70", log);
        Assert.False(kernel.HasExited, "a user-mode driver's crash does not end the boot");
        Assert.Empty(machine.Crashes());
        Assert.Equal(KernelExitCodes.Shutdown, await ShutDownAsync(kernel));
        Assert.Contains("kernel: unloaded FaultDriver", kernel.StandardError);
    }

    [Fact]
    public async Task DriverWhoseFailureActionsSayReboot_EndsTheBootWithTheRebootCode_NotABugCheck()
    {
        using var machine = await UserModeMachine.CreateAsync("throw-later");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\UserModeProbe", "FailureActions", "reboot", "--type", "multi_sz");

        using var kernel = machine.StartKernel();

        Assert.Equal(KernelExitCodes.Reboot, await kernel.WaitForExitAsync(Patience));
        Assert.Contains("UserModeProbe failed, and its FailureActions say reboot", kernel.StandardError);
        Assert.Equal(1, Count(kernel.StandardError, ") crashed: "));
        Assert.Empty(machine.Crashes());
    }

    [Fact]
    public async Task DriverWhoseFailureActionsSayRun_RunsTheCommandWithTheFailureCount_ThenStaysDisabled()
    {
        using var machine = await UserModeMachine.CreateAsync("throw-later");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\UserModeProbe", "FailureActions", "run/echo failure $LKG_FAILURE_COUNT from $PWD", "--type", "multi_sz");

        using var kernel = machine.StartKernel();
        await kernel.WaitForErrorLineAsync(l => l.Contains("UserModeProbe: its failure command exited with code 0", StringComparison.Ordinal), Patience);

        var log = kernel.StandardError;
        Assert.Contains("UserModeProbe: failure 1: run echo failure $LKG_FAILURE_COUNT from $PWD", log);
        Assert.Contains("UserModeProbe: failure 1 from /", log);
        Assert.Contains("UserModeProbe disabled after 1 crash; it stays down", log);
        Assert.Equal(0, Count(log, "restarting UserModeProbe"));
        Assert.False(kernel.HasExited, "a run action does not end the boot");
        Assert.Equal(KernelExitCodes.Shutdown, await ShutDownAsync(kernel));
    }

    [Fact]
    public async Task CriticalDriverThatThrows_IsBugCheck0xEF()
    {
        using var machine = await UserModeMachine.CreateAsync("throw-later", ("Critical", 1));

        using var kernel = machine.StartKernel();

        Assert.Equal(KernelExitCodes.BugCheck, await kernel.WaitForExitAsync(Patience));
        var crash = Assert.Single(machine.Crashes());
        Assert.Equal(BugCheckCode.CriticalProcessDied, crash.Code);
        Assert.Equal("UserModeProbe", crash.Component);
    }

    [Fact]
    public async Task WhatAUserModeDriverMayNotDo_IsRefusedWithItsStatus()
    {
        using var machine = await UserModeMachine.CreateAsync("refusals");
        var select = machine.Select();

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Patience);

        var log = kernel.StandardError;
        Assert.Contains("UserModeProbe: read own key: STATUS_SUCCESS", log);
        Assert.Contains("UserModeProbe: read other key: STATUS_ACCESS_DENIED", log);
        Assert.Contains("UserModeProbe: read Select: STATUS_ACCESS_DENIED", log);
        Assert.Contains("UserModeProbe: write Select: STATUS_ACCESS_DENIED", log);
        Assert.Contains("UserModeProbe: write other key: STATUS_ACCESS_DENIED", log);
        Assert.Contains("UserModeProbe: write own key: STATUS_NOT_SUPPORTED", log);
        Assert.Contains(@"kernel: UserModeProbe: refused a write of SYSTEM\Select: SYSTEM\Select is outside UserModeProbe's own key", log);
        Assert.Equal(select, machine.Select());
        Assert.Equal(KernelExitCodes.Shutdown, await ShutDownAsync(kernel));
    }

    [Fact]
    public async Task BugCheck_IsRefused_AndEndsOnlyTheHost()
    {
        using var machine = await UserModeMachine.CreateAsync("bugcheck");

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Patience);

        var log = kernel.StandardError;
        Assert.Contains("kernel: UserModeProbe: refused bug check 0xE2, since a user-mode driver may not stop the machine: STATUS_PRIVILEGE_NOT_HELD", log);
        Assert.Contains("UserModeProbe: UserModeProbe called BugCheck(0xE2); the kernel refused it with STATUS_PRIVILEGE_NOT_HELD", log);
        Assert.Empty(machine.Crashes());
        Assert.Equal(KernelExitCodes.Shutdown, await ShutDownAsync(kernel));
    }

    [Theory]
    [InlineData("oversized-frame", "protocol violation: a frame announced a payload of 2147483647 bytes, over the protocol's limit of 65536")]
    [InlineData("malformed-frame", "protocol violation: a frame has type 99, which the protocol does not have")]
    public async Task BadFrame_EndsTheHost_AsAProtocolViolation(string probe, string sentence)
    {
        using var machine = await UserModeMachine.CreateAsync(probe);

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Patience);

        var log = kernel.StandardError;
        Assert.Contains($"kernel: UserModeProbe's host (pid ", log);
        Assert.Contains($"{sentence}; the kernel ends it", log);
        Assert.Contains("UserModeProbe failed to start: its host (pid ", log);
        Assert.Empty(machine.Crashes());
        Assert.Equal(KernelExitCodes.Shutdown, await ShutDownAsync(kernel));
    }

    [Fact]
    public async Task ConnectionFromAnotherProcess_IsRefused_AndTheDriverRunsOn()
    {
        using var machine = await UserModeMachine.CreateAsync("services");
        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Patience);

        // Through /proc/self/fd, as the kernel binds it: the temporary machine's path is longer than sun_path holds.
        using var client = UnixConnection.Connect(Path.Combine(machine.Root, "run", "umhost-UserModeProbe.sock"));
        var received = await Task.Run(() => client.Read(new byte[16])).WaitAsync(Patience);

        Assert.Equal(0, received);
        await kernel.WaitForErrorLineAsync(l => l.Contains($"refused a connection to its host socket from pid {Environment.ProcessId}, which is not its host", StringComparison.Ordinal), Patience);
        Assert.DoesNotContain("crashed", kernel.StandardError);
        Assert.Equal(KernelExitCodes.Shutdown, await ShutDownAsync(kernel));
        Assert.Contains("UserModeProbe: unloaded", kernel.StandardError);
    }

    [Fact]
    public async Task SensorInUserMode_WithTheBadChannelFile_CrashesRestartsAndIsDisabled_AndTheMachineStaysUp()
    {
        using var machine = await TestMachine.CreateAsync("--policy", "classic");
        await machine.InstallDriverAsync("samples/Drivers/Sensor", "--mode", "user", "--start", "boot", "--error-control", "critical", "--group", "Early-Launch");
        var channel = Path.Combine(MachineManifestTests.RepositoryRoot(), "samples", "Drivers", "Sensor", "content", "C-00000291-00000000-00000032.sys");
        await machine.LkgAsync("content", "push", "Sensor", channel, "--name", "C-00000291-00000000-00000001.sys");

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Patience);
        await kernel.WaitForErrorLineAsync(l => l.Contains("Sensor disabled after 4 crashes", StringComparison.Ordinal), Patience);

        var log = kernel.StandardError;
        Assert.Equal(4, Count(log, "Sensor: IndexOutOfRangeException escaped Sensor in EventHandler"));
        Assert.Equal(3, Count(log, "restarting Sensor"));
        Assert.False(kernel.HasExited, "the Sensor's crashes in user mode do not stop the machine");
        Assert.Empty(machine.Crashes());
        Assert.Equal(KernelExitCodes.Shutdown, await ShutDownAsync(kernel));
    }

    private static int Count(string text, string part) => text.Split(part).Length - 1;
}
