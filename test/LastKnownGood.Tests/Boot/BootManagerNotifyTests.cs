using System.Globalization;
using LastKnownGood.Internal;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Boot;

/// <summary>
/// <c>lkg boot</c> under a supervisor that speaks systemd's notify protocol (docs/systemd.md): a
/// real boot manager and kernel, with <c>NOTIFY_SOCKET</c> naming a socket this test binds.
/// </summary>
public sealed class BootManagerNotifyTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task BootManager_TellsItsSupervisor_StatusThenReadyOnceUp_FeedsTheWatchdog_AndStopsOnSigterm()
    {
        using var machine = await TestMachine.CreateAsync();
        var boot1 = $"boot 1 (normal, {ControlSetInfo.FormatName(machine.Select().Default)})";
        using var supervisor = new SupervisorSocket(_temp.Combine("notify"));
        using var boot = machine.StartBoot(new Dictionary<string, string> { ["NOTIFY_SOCKET"] = supervisor.Name, ["WATCHDOG_USEC"] = "200000" });

        var ready = await supervisor.WaitForAsync(m => m.StartsWith("READY=1", StringComparison.Ordinal), Timeout);
        Assert.Equal($"READY=1\nSTATUS={boot1}: every component has started", ready);
        Assert.Contains($"STATUS={boot1}: starting", supervisor.Messages);
        Assert.NotNull(machine.History()[0].Ready);
        var kernel = Assert.Single(KernelProcesses(machine));
        Assert.DoesNotContain(ProcessTable.Read(kernel, "environ").Split('\0'), v => v.StartsWith("NOTIFY_SOCKET=", StringComparison.Ordinal) || v.StartsWith("WATCHDOG_", StringComparison.Ordinal));

        // 100 ms apart: two more pings come well within a second.
        var pings = supervisor.Count("WATCHDOG=1");
        await supervisor.WaitForAsync(_ => supervisor.Count("WATCHDOG=1") >= pings + 2, Timeout);

        Assert.Equal(0, Libc.Kill(boot.Id, Libc.SignalTerm));
        await supervisor.WaitForAsync(m => m == "STOPPING=1", Timeout);
        await supervisor.WaitForAsync(m => m == $"STATUS={boot1}: ended, shutdown", Timeout);
        Assert.Equal(0, await boot.WaitForExitAsync(Timeout));
        Assert.Equal(1, supervisor.Count("READY=1"));
        Assert.Equal(1, supervisor.Count("STOPPING=1"));
    }

    [Fact]
    public async Task BootManager_SpeaksToAnAbstractSocket_AndLeavesAWatchdogOfAnotherProcessAlone()
    {
        using var machine = await TestMachine.CreateAsync();
        using var supervisor = new SupervisorSocket($"@lkg-test-{Guid.NewGuid():n}");
        using var boot = machine.StartBoot(new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = supervisor.Name,
            ["WATCHDOG_USEC"] = "100000",
            ["WATCHDOG_PID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        }, "--until", "1-boots");

        await supervisor.WaitForAsync(m => m.StartsWith("READY=1", StringComparison.Ordinal), Timeout);
        await supervisor.WaitForAsync(m => m == "STOPPING=1", Timeout);
        Assert.Equal(0, await boot.WaitForExitAsync(Timeout));
        Assert.Equal(0, supervisor.Count("WATCHDOG=1"));
    }

    [Fact]
    public async Task BootManager_WithANotifySocketThatIsNotAnAddress_SaysSoOnce_AndBootsAnyway()
    {
        using var machine = await TestMachine.CreateAsync();
        var result = await machine.TryLkgAsync(new Dictionary<string, string> { ["NOTIFY_SOCKET"] = "vsock:2:1" }, "boot", "--until", "1-boots", "--timeout", "60s");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("NOTIFY_SOCKET=vsock:2:1 is neither an absolute path nor an abstract name (@name); nothing is sent to the supervisor.", result.Error);
        Assert.Contains("Boot 1: every component has started", result.Output);
    }

    private static IReadOnlyList<int> KernelProcesses(TestMachine machine) =>
        machine.Processes().Where(pid => ProcessTable.Read(pid, "cmdline").Split('\0').Contains("kernel")).ToList();
}
