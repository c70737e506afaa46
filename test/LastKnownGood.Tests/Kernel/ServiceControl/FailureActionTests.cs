using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using LastKnownGood.Boot;
using LastKnownGood.Tests.Support;
using static LastKnownGood.Tests.Kernel.ServiceControl.ServiceMachine;

namespace LastKnownGood.Tests.Kernel.ServiceControl;

/// <summary>What a service's death after it started leads to: its FailureActions, ResetPeriod and back-off, with real processes and a real kernel.</summary>
public sealed class FailureActionTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>A service that is ready at once and exits with code 1 a moment later: a failure after it started, every time.</summary>
    private static readonly string DiesSoon = $"{Notifier}notify('READY=1')\ntime.sleep(0.3)\nsys.exit(1)";

    private readonly TempDirectory _temp = new();

    private string Marker => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task RestartRestartNone_StartsTheServiceThreeTimes_ThenItStaysDown_AndTheKernelStaysUp()
    {
        using var machine = await CreateAsync(_temp, new()
        {
            ["Flaky"] = Python(Marker, DiesSoon, ("Notify", 1), ("StartTimeout", 10), ("FailureActions", new[] { "restart/0", "restart/0", "none" })),
        });

        using var kernel = machine.StartKernel();
        await kernel.WaitForErrorLineAsync(l => l.Contains("failure 3: none; it stays stopped", StringComparison.Ordinal), Timeout);

        var log = kernel.StandardError;
        Assert.Equal(3, Started("Flaky").Matches(log).Count);
        Assert.Matches(@"Flaky \(pid \d+\) exited with code 1 after it started; failure 1: restart in 0 s", log);
        Assert.Matches(@"Flaky \(pid \d+\) exited with code 1 after it started; failure 2: restart in 0 s", log);
        Assert.Empty(Running(Marker));
        // Each dead process's notify socket was closed with it.
        Assert.Empty(Directory.GetFiles(Path.Combine(machine.Root, "run"), "notify-*"));
        await StaysUpThenShutsDownAsync(kernel);
        Assert.Equal(3, Started("Flaky").Matches(kernel.StandardError).Count);
    }

    [Fact]
    public async Task FailuresFurtherApartThanTheResetPeriod_KeepTakingTheFirstAction()
    {
        using var machine = await CreateAsync(_temp, new()
        {
            ["Steady"] = Python(Marker, $"{Notifier}notify('READY=1')\ntime.sleep(300)",
                ("Notify", 1), ("StartTimeout", 10), ("ResetPeriod", 2), ("FailureActions", new[] { "restart/0", "none" })),
        });

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Timeout);

        await (await KillAsync(kernel, await StartedPidAsync(kernel, 1))).WaitForErrorLineAsync("failure 1: restart in 0 s");
        var second = await StartedPidAsync(kernel, 2);
        await Task.Delay(TimeSpan.FromSeconds(2.2)); // longer than ResetPeriod, so that the count starts again
        await (await KillAsync(kernel, second)).WaitForErrorLineAsync("failure 1: restart in 0 s");
        await (await KillAsync(kernel, await StartedPidAsync(kernel, 3))).WaitForErrorLineAsync("failure 2: none; it stays stopped");

        await StaysUpThenShutsDownAsync(kernel);
    }

    [Fact]
    public async Task RepeatedRestart_BacksOff_EachDelayLongerThanTheLast_AndShutdownEndsTheWait()
    {
        using var machine = await CreateAsync(_temp, new()
        {
            ["Crashy"] = Python(Marker, DiesSoon, ("Notify", 1), ("StartTimeout", 10), ("FailureActions", new[] { "restart/0" })),
        });

        using var kernel = machine.StartKernel();
        await kernel.WaitForErrorLineAsync(l => l.Contains("failure 3: restart in 4 s", StringComparison.Ordinal), Timeout);
        var stopping = Stopwatch.StartNew();
        Terminate(kernel.Id);
        Assert.Equal(KernelExitCodes.Shutdown, await kernel.WaitForExitAsync(Timeout));

        var lines = kernel.StandardError.Split('\n');
        var failed = lines.Where(l => l.Contains("Crashy (pid", StringComparison.Ordinal) && l.Contains("after it started; failure", StringComparison.Ordinal)).Select(At).ToArray();
        var started = lines.Where(l => Started("Crashy").IsMatch(l)).Select(At).ToArray();
        Assert.Equal(3, failed.Length);
        Assert.Equal(3, started.Length);
        Assert.Contains(lines, l => l.Contains("failure 2: restart in 2 s", StringComparison.Ordinal));
        var firstDelay = started[1] - failed[0];
        var secondDelay = started[2] - failed[1];
        Assert.True(secondDelay >= TimeSpan.FromSeconds(2) && secondDelay > firstDelay, $"delays {firstDelay} then {secondDelay}");
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(4), $"the shutdown waited out the 4 s back-off: {stopping.Elapsed}");
        Assert.Empty(await WaitForNoneAsync(Marker, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task RunAction_RunsTheCommandWithTheServicesEnvironmentAndTheFailureCount_ItsOutputInTheEventLog()
    {
        using var machine = await CreateAsync(_temp, new()
        {
            ["Runner"] = Python(Marker, DiesSoon, ("Notify", 1), ("StartTimeout", 10), ("Environment", new[] { "GREETING=hello" }),
                ("FailureActions", new[] { "restart/0", "run/echo \"failure $LKG_FAILURE_COUNT of $GREETING in $PWD\"; exit 4" }), ("WorkingDirectory", _temp.Path)),
        });

        using var kernel = machine.StartKernel();
        await kernel.WaitForErrorLineAsync(l => l.Contains("Runner: its failure command exited with code 4", StringComparison.Ordinal), Timeout);

        var log = kernel.StandardError;
        Assert.Contains($"Runner: failure 2 of hello in {_temp.Path}", log);
        Assert.Contains("failure 2: run echo", log);
        Assert.Equal(2, Started("Runner").Matches(log).Count);
        await StaysUpThenShutsDownAsync(kernel);
    }

    [Fact]
    public async Task RebootAction_EndsTheBoot_WhichTheBootManagerRecords_AndBootsAgain()
    {
        // It fails once: the boot after the reboot finds the file it left and stays up.
        using var machine = await CreateAsync(_temp, new()
        {
            ["Rebooter"] = Python(Marker, $"{Notifier}notify('READY=1')\nflag = os.path.join(sys.argv[1], 'failed-once')\nif os.path.exists(flag): time.sleep(300)\nopen(flag, 'w').close()\ntime.sleep(0.3)\nsys.exit(1)",
                ("Notify", 1), ("StartTimeout", 10), ("FailureActions", new[] { "reboot" })),
        });

        await machine.LkgAsync("boot", "--until", "2-boots", "--timeout", "60s");

        var history = machine.History();
        Assert.Equal(2, history.Count);
        Assert.Equal((BootOutcome.Reboot, "Rebooter failed, and its FailureActions say reboot"), (history[0].Outcome, history[0].EndReason));
        Assert.Equal((history[0].ControlSet, BootMode.Normal, BootOutcome.Shutdown), (history[1].ControlSet, history[1].Mode, history[1].Outcome));
        Assert.Empty(machine.Crashes());
        Assert.Empty(await WaitForNoneAsync(Marker, TimeSpan.FromSeconds(10)));
    }

    private static TimeSpan At(string line) => TimeSpan.ParseExact(line[..12], @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);

    /// <summary>The kernel outlived the service's failures: it is still running, and shuts down when asked.</summary>
    private static async Task StaysUpThenShutsDownAsync(ChildProcess kernel)
    {
        Assert.False(kernel.HasExited);
        Terminate(kernel.Id);
        Assert.Equal(KernelExitCodes.Shutdown, await kernel.WaitForExitAsync(Timeout));
    }

    /// <summary>Waits for the <paramref name="count"/>th start of a service in the kernel's log; its process id.</summary>
    private static async Task<int> StartedPidAsync(ChildProcess kernel, int count)
    {
        await kernel.WaitForErrorLineAsync(_ => StartedPid().Matches(kernel.StandardError).Count >= count, Timeout);
        return int.Parse(StartedPid().Matches(kernel.StandardError)[count - 1].Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>SIGKILL to <paramref name="pid"/>; what waits for the kernel's line about its death.</summary>
    private static async Task<Death> KillAsync(ChildProcess kernel, int pid)
    {
        using var kill = Process.Start("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        return new Death(kernel, pid);
    }

    private static Regex Started(string service) => new($@"started {service} \(pid \d+\)");

    /// <summary>A service process killed by the test, whose failure line the kernel is to write.</summary>
    private sealed record Death(ChildProcess Kernel, int Pid)
    {
        public Task<string> WaitForErrorLineAsync(string action) =>
            Kernel.WaitForErrorLineAsync(l => l.Contains($"(pid {Pid}) exited with code 137 after it started; {action}", StringComparison.Ordinal), Timeout);
    }
}
