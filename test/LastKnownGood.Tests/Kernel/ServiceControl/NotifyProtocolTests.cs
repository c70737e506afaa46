using System.Diagnostics;
using LastKnownGood.Boot;
using LastKnownGood.Tests.Support;
using static LastKnownGood.Tests.Kernel.ServiceControl.ServiceMachine;

namespace LastKnownGood.Tests.Kernel.ServiceControl;

/// <summary>The rest of sd_notify(3), from real service processes: the watchdog, EXTEND_TIMEOUT_USEC=, and a service's own StopTimeout.</summary>
public sealed class NotifyProtocolTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _temp = new();

    private string Marker => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Watchdog_APingingServiceKeepsRunning_OneThatStopsIsSentSIGABRT_AndTakesItsFailureActions()
    {
        using var machine = await CreateAsync(_temp, new()
        {
            // Pings every 0.2 s for 2.4 s, more than twice its timeout, then goes quiet.
            ["Pinger"] = Python(Marker, $"{Notifier}notify('READY=1')\nfor i in range(12):\n    time.sleep(0.2)\n    notify('WATCHDOG=1')\nprint('stopped pinging', flush=True)\ntime.sleep(300)",
                ("Notify", 1), ("StartTimeout", 10), ("WatchdogTimeout", 1), ("FailureActions", new[] { "restart/0", "none" }), ("WorkingDirectory", _temp.Path)),
            ["Silent"] = Python(Marker, $"{Notifier}notify('READY=1\\nWATCHDOG_USEC=500000')\ntime.sleep(300)",
                ("Notify", 1), ("StartTimeout", 10), ("WorkingDirectory", _temp.Path)),
            ["Trigger"] = Python(Marker, $"{Notifier}notify('READY=1')\ntime.sleep(0.2)\nnotify('WATCHDOG=trigger')\ntime.sleep(300)",
                ("Notify", 1), ("StartTimeout", 10), ("WorkingDirectory", _temp.Path)),
        });

        using var kernel = machine.StartKernel();
        var aborted = await kernel.WaitForErrorLineAsync(l => l.Contains("Pinger (pid", StringComparison.Ordinal) && l.Contains("it is sent SIGABRT", StringComparison.Ordinal), Timeout);
        await kernel.WaitForErrorLineAsync(l => l.Contains("Pinger (pid", StringComparison.Ordinal) && l.Contains("exited with code 134 after it started; failure 1: restart in 0 s", StringComparison.Ordinal), Timeout);
        await kernel.WaitForErrorLineAsync(l => l.Contains("started Pinger", StringComparison.Ordinal) && kernel.StandardError.Split("started Pinger").Length == 3, Timeout);
        await kernel.WaitForErrorLineAsync(l => l.Contains("Silent (pid", StringComparison.Ordinal) && l.Contains("exited with code 134 after it started; failure 1: none", StringComparison.Ordinal), Timeout);
        await kernel.WaitForErrorLineAsync(l => l.Contains("Trigger (pid", StringComparison.Ordinal) && l.Contains("exited with code 134 after it started; failure 1: none", StringComparison.Ordinal), Timeout);

        var log = kernel.StandardError;
        Assert.Contains("it sent no WATCHDOG=1 within its watchdog timeout of 1 s; it is sent SIGABRT", aborted);
        Assert.True(log.IndexOf("Pinger: stopped pinging", StringComparison.Ordinal) is var quiet and >= 0 && quiet < log.IndexOf(aborted, StringComparison.Ordinal), log);
        Assert.Contains("Silent: its watchdog timeout is 0.5 s (WATCHDOG_USEC=)", log);
        Assert.Matches(@"Silent \(pid \d+\): it sent no WATCHDOG=1 within its watchdog timeout of 0\.5 s; it is sent SIGABRT", log);
        Assert.Matches(@"Trigger \(pid \d+\): it sent WATCHDOG=trigger; it is sent SIGABRT", log);
        Assert.DoesNotContain("is not supported yet", log);
        Terminate(kernel.Id);
        Assert.Equal(KernelExitCodes.Shutdown, await kernel.WaitForExitAsync(Timeout));
        Assert.Empty(await WaitForNoneAsync(Marker, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ExtendTimeout_LetsASlowStartSucceedPastItsStartTimeout()
    {
        using var machine = await CreateAsync(_temp, new()
        {
            ["Slow"] = Python(Marker, $"{Notifier}notify('EXTEND_TIMEOUT_USEC=5000000')\ntime.sleep(3)\nnotify('READY=1')\ntime.sleep(300)",
                ("Notify", 1), ("StartTimeout", 2)),
        });

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Timeout);

        var log = kernel.StandardError;
        Assert.Contains("Slow: its timeout is extended to 5 s from now (EXTEND_TIMEOUT_USEC=)", log);
        Assert.Matches(@"started Slow \(pid \d+\): READY=1", log);
        Assert.DoesNotContain("Slow failed to start", log);
    }

    [Fact]
    public async Task StopTimeout_OfTheService_IsHonoured_OneIgnoringSIGTERMIsKilledAfterIt_OneThatExtendsItFinishes()
    {
        using var machine = await CreateAsync(_temp, new()
        {
            ["Stubborn"] = Shell(Marker, $"trap '' TERM; {Sleep}", ("StopTimeout", 1)),
            // Its clean exit takes longer than its StopTimeout, which it extends when SIGTERM comes.
            ["Graceful"] = Python(Marker, $"{Notifier}def stop(*_):\n    notify('EXTEND_TIMEOUT_USEC=4000000')\n    time.sleep(1.2)\n    print('finished cleanly', flush=True)\n    sys.exit(0)\nsignal.signal(signal.SIGTERM, stop)\nnotify('READY=1')\ntime.sleep(300)",
                ("Notify", 1), ("StartTimeout", 10), ("StopTimeout", 1)),
        });

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Timeout);
        var stopping = Stopwatch.StartNew();
        Terminate(kernel.Id);

        Assert.Equal(KernelExitCodes.Shutdown, await kernel.WaitForExitAsync(Timeout));
        var log = kernel.StandardError;
        Assert.Contains("stopped Stubborn: killed, since it was still running 1 s after SIGTERM", log);
        Assert.Contains("Graceful: its timeout is extended to 4 s from now (EXTEND_TIMEOUT_USEC=)", log);
        Assert.Contains("Graceful: finished cleanly", log);
        Assert.Matches(@"stopped Graceful\r?\n", log);
        // The kernel's own ServiceStopTimeout is 5 s; Stubborn's 1 s and Graceful's 1.2 s take less.
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"the stop took {stopping.Elapsed}");
        Assert.Empty(await WaitForNoneAsync(Marker, TimeSpan.FromSeconds(10)));
    }
}
