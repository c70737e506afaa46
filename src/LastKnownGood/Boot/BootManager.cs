using LastKnownGood.Diagnostics;
using LastKnownGood.Machines;
using LastKnownGood.Registry;

namespace LastKnownGood.Boot;

/// <summary>
/// <c>lkg boot</c> (DESIGN §3, §7, §8): the long-lived supervisor. It picks each boot's control
/// set and mode, starts a kernel in its own process group, watches it, records the outcome,
/// accepts healthy boots, and decides the next boot after a failure. It never runs driver code:
/// it talks to a kernel only through the hive and the kernel's exit status. The caller holds
/// <paramref name="machineLock"/> for the whole run, and opens the hive under it (a damaged hive
/// is restored from its backup there).
/// </summary>
public sealed partial class BootManager(MachineDirectory machine, MachineLock machineLock, Hive hive, BootManagerOptions options, IBootReporter reporter, TimeProvider time)
{
    /// <summary>Set once <c>machine.lock</c> is found deleted or replaced: the run boots nothing more.</summary>
    private bool _lockLost;

    /// <summary>The safe-mode boot whose recovery environment applied a remediation package: its end is a reboot into the set it made, not a halt.</summary>
    private int _remediated;

    /// <summary>
    /// Boots until <see cref="BootManagerOptions.Until"/> is met, <paramref name="stop"/> fires, or the
    /// timeout passes; every way out shuts the machine down, and waits for the dumps still being written.
    /// </summary>
    public async Task<BootRunResult> RunAsync(CancellationToken stop)
    {
        using var timeout = new CancellationTokenSource(options.Timeout ?? System.Threading.Timeout.InfiniteTimeSpan, time);
        using var end = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        try
        {
            return await RunAsync(stop, end.Token);
        }
        finally
        {
            await FinishDumpsAsync(end.Token, sayWhy: true);
        }
    }

    private async Task<BootRunResult> RunAsync(CancellationToken stop, CancellationToken end)
    {
        if (!await CloseLeftoverBootAsync(end))
        {
            return StoppedOrTimedOut(stop);
        }

        var boots = 0;
        var safeMode = options.SafeMode;
        while (!end.IsCancellationRequested)
        {
            if (LockLost())
            {
                return await HaltAsync(reason: null, end, stop);
            }

            var plan = safeMode is { } mode ? new BootPlan(mode, "safe mode was asked for") : Decide();
            safeMode = null;
            // No kernel runs on a boot that is not recorded: until the record is written, nothing starts.
            BootRecord? begun = null;
            if (!await DurablyAsync(() => begun = BootLog.Begin(hive, plan, time.GetUtcNow()), "No kernel starts until the boot is recorded.", end))
            {
                break;
            }

            var boot = begun!;
            boots++;
            var watched = await WatchAsync(boot, plan, boots, end);
            if (watched is BootRunResult result)
            {
                // The watch sees one token for both; only the caller's means a stop.
                return result == BootRunResult.Stopped ? StoppedOrTimedOut(stop) : result;
            }

            if (options.Until?.Boots == boots)
            {
                return BootRunResult.Reached;
            }

            if (boot.IsSafeMode && _remediated != boot.Number)
            {
                // Safe mode was the last resort: whatever became of it, no more boots until a person comes.
                return await HaltAsync($"safe mode boot {boot.Number} ended; repair the machine, then run lkg boot again", end, stop);
            }
        }

        return StoppedOrTimedOut(stop);
    }

    private static BootRunResult StoppedOrTimedOut(CancellationToken stop) => stop.IsCancellationRequested ? BootRunResult.Stopped : BootRunResult.TimedOut;

    private BootPlan Decide()
    {
        var context = RecoveryContext.Read(hive, machine, new DumpReader(options.Kernel));
        return RecoveryPolicies.For(context.Options.Policy).Decide(context);
    }

    /// <summary>
    /// A boot a boot manager that died left without an end: its kernel (if it still runs) is
    /// killed with its group, and the boot is recorded as killed, or as a bug check when its
    /// kernel wrote a crash record first.
    /// </summary>
    /// <remarks>False: stopped before the leftover's end could be written (the hive refused it).</remarks>
    private async Task<bool> CloseLeftoverBootAsync(CancellationToken end)
    {
        KernelProcess.KillLeftovers(machine);
        KernelDump.DiscardUnfinished(machine);
        if (BootLog.FindRunning(hive) is not { } leftover)
        {
            return true;
        }

        var crashed = CrashLog.FindForBoot(hive, leftover.Number) is not null;
        BootRecord? ended = null;
        if (!await DurablyAsync(() => ended = BootLog.End(hive, leftover.Number, crashed ? BootOutcome.Bugcheck : BootOutcome.Killed,
            "its boot manager stopped before recording the end", askedForLastKnownGood: false, crash: null, time.GetUtcNow()),
            $"Boot {leftover.Number}, left running by a boot manager that died, waits to be closed.", end))
        {
            return false;
        }

        reporter.Recovered(ended!);
        return true;
    }

    /// <summary>
    /// Whether <c>machine.lock</c> is gone or another file: said once, the first time it is seen.
    /// The lock on the directory still keeps other boot managers out (see <see cref="MachineLock"/>),
    /// so the running boot goes on; but a machine whose lock file someone took away is not one to
    /// go on rebooting without a person looking.
    /// </summary>
    private bool LockLost()
    {
        if (!_lockLost && !machineLock.StillHeld())
        {
            _lockLost = true;
            reporter.Halted($"{machineLock.Path} was deleted or replaced while this boot manager held it, so it starts no other boot; stop it, then run lkg boot again");
        }

        return _lockLost;
    }

    /// <summary>No more boots: report why (unless said already), then end the run, or wait for a person to stop it.</summary>
    private async Task<BootRunResult> HaltAsync(string? reason, CancellationToken end, CancellationToken stop)
    {
        if (reason is not null)
        {
            reporter.Halted(reason);
        }

        if (options.Until is { } until)
        {
            return until == BootUntil.Accepted ? BootRunResult.Halted : BootRunResult.Reached;
        }

        // Nothing watches boots while the machine waits for a person: the dumps are recorded first.
        await FinishDumpsAsync(end, sayWhy: false);
        try
        {
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, time, end);
        }
        catch (OperationCanceledException)
        {
            // Stopped or timed out: said below.
        }

        return StoppedOrTimedOut(stop);
    }
}
