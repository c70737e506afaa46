using LastKnownGood.Boot;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Diagnostics;
using LastKnownGood.Machines;

namespace LastKnownGood.Cli.Demo;

/// <summary>
/// DESIGN §13's NotMyFault scenario, run for real: for each fault a fresh machine with NotMyFault
/// (boot start) and Hello (system start, the pool neighbour that finds the overflow), one boot
/// through the real boot manager, and the real analysis of its crash.
/// </summary>
internal sealed class NotMyFaultDemo(ThrowawayMachines machines, TimeProvider time)
{
    public const string Leak = "leak";

    /// <summary>The faults of <c>samples/Drivers/NotMyFault</c>, in the order of its README.</summary>
    public static readonly string[] Faults = ["overflow", "double-free", "bad-read", "hang", "deadlock", Leak, "stack-overflow"];

    /// <summary>The one DESIGN §13 fault the demo cannot cause yet, and the sentence its row says instead.</summary>
    public static readonly NotMyFaultRow CriticalProcess = new("critical-process", false, null, null, null, null, null, [], 0,
        "Not run: the demo does not yet start a Critical service to kill; a Critical service's death is bug check 0xEF (docs/services.md).");

    /// <summary>A run that has not ended by then is shut down: the hang and the deadlock take the kernel's 10 s watchdog.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private const string Parameters = @"SYSTEM\CurrentControlSet\Services\NotMyFault\Parameters";

    /// <summary>The drivers and their Start, as <c>VerifierProcessTests</c> installs them.</summary>
    public static readonly IReadOnlyList<(string Driver, string[] InstallOptions)> Drivers =
    [
        ("NotMyFault", ["--start", "boot", "--error-control", "normal"]),
        ("Hello", ["--start", "system", "--error-control", "normal"]),
    ];

    /// <summary>
    /// Every machine keeps a minidump of a crash (the stack overflow's frames come from it) and
    /// accepts no boot on its own, so a boot ends only by a bug check or the demo's shutdown.
    /// </summary>
    public static readonly IReadOnlyList<string[]> Settings =
    [
        [@"SYSTEM\CurrentControlSet\Control\CrashControl", "DumpType", "mini"],
        [@"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "3600", "--type", "dword"],
    ];

    /// <summary>Boots a fresh machine with <c>Parameters\Fault</c> = <paramref name="fault"/> and analyses the crash of that boot.</summary>
    public async Task<NotMyFaultRow> RunAsync(string fault, bool verifier, CancellationToken stop)
    {
        var machine = machines.NewMachine(verifier ? $"{fault}-verifier" : fault);
        await machines.LkgAsync(machine, stop, "reg", "set", Parameters, "Fault", fault);
        if (fault == Leak)
        {
            // The leak's bug check comes at unload: the boot must run past the leak, then shut down.
            // The leak strikes at once, and the boot is accepted (then shut down) a second after it is ready.
            await machines.LkgAsync(machine, stop, "reg", "set", Parameters, "DelayMs", "0", "--type", "dword");
            await machines.LkgAsync(machine, stop, "reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "1", "--type", "dword");
        }

        if (verifier)
        {
            await machines.LkgAsync(machine, stop, "verifier", "enable", "NotMyFault", "--special-pool", "--pool-tracking", "--deadlock", "--watchdog");
        }

        var started = time.GetTimestamp();
        var (boot, timedOut) = await BootOnceAsync(machine, fault == Leak ? BootUntil.Accepted : null, stop);
        var seconds = Math.Round(time.GetElapsedTime(started).TotalSeconds, 1);
        using var hive = machine.OpenHive(time);
        if (CrashLog.FindForBoot(hive, boot.Number) is not { } crash)
        {
            var note = timedOut ? $"no bug check within {RunTimeout.TotalSeconds:0} s; the demo shut the machine down"
                : boot.Outcome is BootOutcome.Shutdown or BootOutcome.Accepted ? "no bug check (clean shutdown)"
                : $"no bug check; the boot ended {BootNames.Name(boot.Outcome)} ({boot.EndReason})";
            return new(fault, verifier, null, null, null, null, null, [], seconds, note);
        }

        var analysis = new Analyzer(hive, machine, LkgProgram.Dumps()).Analyze(crash);
        return new(fault, verifier, BugCheckSummary.Of(crash), analysis.FollowupName, analysis.ModuleName,
            analysis.FailureBucketId, analysis.Confidence, analysis.Suspects, seconds, null);
    }

    /// <summary>
    /// One boot through the real boot manager, in this process; its kernel is a child <c>lkg
    /// kernel</c>, as under <c>lkg boot</c>. The run ends when the first boot ends.
    /// </summary>
    private async Task<(BootRecord Boot, bool TimedOut)> BootOnceAsync(MachineDirectory machine, BootUntil? until, CancellationToken stop)
    {
        using var machineLock = MachineLock.Acquire(machine.LockPath, "lkg demo notmyfault", time);
        using var hive = machine.OpenHive(time);
        using var firstBootEnded = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var reporter = new FirstBootReporter(firstBootEnded);
        var options = new BootManagerOptions { Kernel = LkgProgram.Host(), Until = until, Timeout = RunTimeout };
        var result = await new BootManager(machine, machineLock, hive, options, reporter, time).RunAsync(firstBootEnded.Token);
        stop.ThrowIfCancellationRequested();
        foreach (var warning in reporter.Warnings)
        {
            await Console.Error.WriteLineAsync(warning);
        }

        return (reporter.Ended ?? throw new LkgException(NtStatus.Unsuccessful, $"The demo's boot of {machine.Root} did not end; run the demo again."),
            result == BootRunResult.TimedOut);
    }
}
