using LastKnownGood.Diagnostics;
using LastKnownGood.Recovery;
using LastKnownGood.Recovery.Remediation;

namespace LastKnownGood.Boot;

public sealed partial class BootManager
{
    /// <summary>
    /// Runs one boot to its end. Null: the kernel ended by itself (or was rebooted by
    /// <c>lkg boot-bad</c>) and the run goes on; otherwise the run is over and the kernel has
    /// been shut down.
    /// </summary>
    private async Task<BootRunResult?> WatchAsync(BootRecord boot, BootPlan plan, int count, CancellationToken end)
    {
        var dumpType = CrashControl.ReadDumpType(hive, boot.ControlSet);
        var kernel = KernelProcess.Start(options.Kernel, machine, boot, dumpType);
        try
        {
            return await WatchKernelAsync(boot, plan, kernel, dumpType, count, end);
        }
        finally
        {
            // A kernel left stopped for its dump is disposed once the dump is recorded.
            if (!IsDumping(kernel))
            {
                kernel.Dispose();
            }
        }
    }

    private async Task<BootRunResult?> WatchKernelAsync(BootRecord boot, BootPlan plan, KernelProcess kernel, DumpType dumpType, int count, CancellationToken end)
    {
        // Only for lkg status: a kernel is found by its command line, recorded or not.
        TryWrite(() => BootLog.SetKernel(hive, boot.Number, kernel.Id), $"Boot {boot.Number}'s kernel process id is not recorded.");
        reporter.Starting(boot with { KernelProcessId = kernel.Id });
        var recovery = RecoveryOptions.Read(hive, boot.ControlSet);
        if (plan.AcceptAfter is { } hold && hold > recovery.AcceptAfter)
        {
            recovery = recovery with { AcceptAfter = hold };
        }

        using var environment = RecoveryEnvironmentOf(plan);
        var ready = false;
        while (true)
        {
            await Task.WhenAny(kernel.Exited, kernel.CrashHandedOver, Task.Delay(options.PollInterval, time, end));
            RecordWrittenDumps();
            if (kernel.CrashHandedOver is { IsCompleted: true, Result: { } crash })
            {
                await RecordBugCheckAsync(boot, kernel, crash, dumpType, end);
                return null;
            }

            if (kernel.Exited.IsCompleted)
            {
                await CloseAsync(boot, kernel, exit: null, end);
                return null;
            }

            if (end.IsCancellationRequested)
            {
                return await ShutdownAsync(boot, kernel, BootRunResult.Stopped, end);
            }

            _ = LockLost();

            if (Poll(() => BootLog.Get(hive, boot.Number), writes: false) is not { } record)
            {
                continue;
            }

            if (record.Request == BootRequest.Bad)
            {
                kernel.KillGroup();
                await kernel.Exited;
                await CloseAsync(boot, kernel, new KernelExit(BootOutcome.Killed, "lkg boot-bad", AskedForLastKnownGood: true), end);
                return null;
            }

            if (record.Request == BootRequest.Shutdown)
            {
                return await ShutdownAsync(boot, kernel, BootRunResult.ShutDown, end);
            }

            if (!ready && record.Ready is not null)
            {
                ready = true;
                reporter.Ready(record);
                if (environment is not null)
                {
                    reporter.Remediating(record, environment.Source.Name, environment.Retry);
                }
                else if (boot.IsSafeMode)
                {
                    reporter.Halted($"safe mode boot {boot.Number} is up and waits for a person; repair the machine, then run lkg boot again");
                    if (options.Until is { } until)
                    {
                        return await ShutdownAsync(boot, kernel, until == BootUntil.Accepted ? BootRunResult.Halted : BootRunResult.Reached, end);
                    }
                }

                if (options.Until?.Boots == count)
                {
                    return await ShutdownAsync(boot, kernel, BootRunResult.Reached, end);
                }
            }

            if (ready && environment is not null && Remediate(boot, environment, end))
            {
                // Default is the tentative set the package made: the next boot runs it.
                return await ShutdownAsync(boot, kernel, null, end);
            }

            if (ready && ShouldAccept(record, recovery)
                && Poll(() => BootLog.Accept(hive, boot.Number, time.GetUtcNow()) ? BootLog.Get(hive, boot.Number) : null, writes: true) is { } accepted)
            {
                reporter.Accepted(accepted);
                BackUpHive();
                if (boot.Mode == BootMode.Trial)
                {
                    // A trial tests changes; it is not the machine to run. Accepted, it is Last Known Good, and the bisection goes on at once.
                    return await ShutdownAsync(boot, kernel, null, end);
                }

                if (options.Until == BootUntil.Accepted)
                {
                    return await ShutdownAsync(boot, kernel, BootRunResult.Reached, end);
                }
            }
        }
    }

    /// <summary>The recovery environment of a safe-mode boot that asks a remediation source; null for every other boot, and for a source that cannot be one (said).</summary>
    private RecoveryEnvironment? RecoveryEnvironmentOf(BootPlan plan)
    {
        if (plan.Remediation is not { } remediation)
        {
            return null;
        }

        try
        {
            return new RecoveryEnvironment(machine, RemediationSources.For(remediation.Source), remediation.Retry, time);
        }
        catch (LkgException e)
        {
            reporter.Warning($@"Control\Recovery\RemediationSource: {e.Message} Safe mode waits for a person.");
            return null;
        }
    }

    /// <summary>
    /// One poll of the recovery environment: takes what its last ask fetched, each in its own
    /// transaction, until one applies (true); says what became of each, and why an ask failed.
    /// </summary>
    private bool Remediate(BootRecord boot, RecoveryEnvironment environment, CancellationToken end)
    {
        if (environment.Poll(end) is { } fetched)
        {
            foreach (var package in fetched)
            {
                RemediationRecord? taken = null;
                if (!TryWrite(() => taken = RemediationPackage.Take(hive, machine, package, environment.Source.Name, boot.Number), $"The remediation package {package.Name} is taken at the next ask."))
                {
                    package.Dispose();
                    continue;
                }

                if (taken is not null)
                {
                    reporter.Remediated(taken);
                }

                if (taken?.Outcome == RemediationOutcome.Applied)
                {
                    foreach (var rest in fetched)
                    {
                        rest.Dispose();
                    }

                    _remediated = boot.Number;
                    return true;
                }
            }
        }

        if (environment.TakeProblem() is { } problem)
        {
            reporter.Warning(problem);
        }

        return false;
    }

    /// <summary>
    /// One poll's reads and writes. A hive that refuses them (another process holds it past the
    /// busy timeout, a full disk, a read-only file system) skips this poll, with a warning when
    /// that starts; the next poll tries again.
    /// </summary>
    private T? Poll<T>(Func<T?> step, bool writes) where T : class
    {
        T? result = null;
        return TryWrite(() => result = step(), "The running boot is watched on; its record waits.", writes) ? result : null;
    }

    /// <summary>
    /// RegBack: the hive as it was accepted, for <c>MachineDirectory.OpenHive</c> to fall back to.
    /// The acceptance has committed already; a backup that fails (a full disk) is reported and the
    /// previous backup stays, rather than the boot manager stopping.
    /// </summary>
    private void BackUpHive()
    {
        try
        {
            hive.BackupTo(machine.BackupPath);
        }
        catch (Exception e) when (e is LkgException or IOException or UnauthorizedAccessException)
        {
            reporter.Warning($"The hive could not be backed up to {machine.BackupPath}: {e.Message}");
        }
    }

    /// <summary>DESIGN §7: an explicit boot-ok, or <c>AcceptAfter</c> of health once ready when automatic acceptance is on. Never in safe mode.</summary>
    private bool ShouldAccept(BootRecord record, RecoveryOptions recovery) =>
        !record.IsSafeMode && record.Accepted is null
        && (record.Request == BootRequest.Ok
            || (recovery.ReportBootOk && time.GetUtcNow() - record.Ready >= recovery.AcceptAfter && BootLog.IsLastKnownGoodEnabled(hive)));

    /// <summary>
    /// SIGTERM, then the whole group killed if the kernel has not gone within the shutdown timeout.
    /// A shutdown the boot manager asked for is a shutdown however the kernel ended, unless it bug
    /// checked on the way: it must not count as a failed boot. Returns <paramref name="result"/>; null boots again.
    /// </summary>
    private async Task<BootRunResult?> ShutdownAsync(BootRecord boot, KernelProcess kernel, BootRunResult? result, CancellationToken end)
    {
        kernel.Terminate();
        var timeout = Task.Delay(options.ShutdownTimeout, time);
        await Task.WhenAny(kernel.Exited, kernel.CrashHandedOver, timeout);
        if (kernel.CrashHandedOver is { IsCompleted: true, Result: { } crash })
        {
            // A driver's Unload bug checked: the kernel has stopped and waits for its record to be made durable.
            await RecordBugCheckAsync(boot, kernel, crash, CrashControl.ReadDumpType(hive, boot.ControlSet), end);
            return result;
        }

        // The pipe ends with the kernel, a moment before its exit is seen.
        var killed = await Task.WhenAny(kernel.Exited, timeout) == timeout;
        if (killed)
        {
            kernel.KillGroup();
        }

        var exitCode = await kernel.Exited;
        await CloseAsync(boot, kernel, exitCode == KernelExitCodes.BugCheck ? null
            : new KernelExit(BootOutcome.Shutdown, killed ? $"shut down (killed after {options.ShutdownTimeout.TotalSeconds:0} s)" : "shut down"), end);
        return result;
    }

    /// <summary>
    /// Sweeps the boot's process group for strays and records how the boot ended (<see cref="RecordEndAsync"/>).
    /// </summary>
    private async Task CloseAsync(BootRecord boot, KernelProcess kernel, KernelExit? exit, CancellationToken end)
    {
        kernel.KillGroup();
        await kernel.WaitForStandardErrorAsync(StandardErrorTimeout);
        var now = time.GetUtcNow();
        exit ??= KernelExit.Classify(kernel.Exited.Result, boot with { KernelProcessId = kernel.Id },
            CrashLog.FindForBoot(hive, boot.Number) is not null, kernel.StandardError, now);
        if (exit.Crash is { } died && File.Exists(Path.Combine(machine.DumpsPath, DumpFile.ForFatalError(boot.Number))))
        {
            // The runtime ended the kernel and wrote its dump on the way out (KernelDump.FatalErrorEnvironment).
            exit = exit with { Crash = died with { Dump = DumpFile.ForFatalError(boot.Number) } };
        }

        await RecordEndAsync(boot, exit, now, end);
    }

    /// <summary>
    /// Records how the boot ended, with its crash record if it has one, in one transaction, waiting
    /// as long as the hive refuses the write. Stopped while waiting, the boot stays without an end
    /// (null), its kernel gone, and the next boot manager closes it as a leftover.
    /// </summary>
    private async Task<BootRecord?> RecordEndAsync(BootRecord boot, KernelExit exit, DateTimeOffset now, CancellationToken end)
    {
        BootRecord? ended = null;
        if (await DurablyAsync(() => ended = BootLog.End(hive, boot.Number, exit.Outcome, exit.Reason, exit.AskedForLastKnownGood, exit.Crash, now),
            $"The end of boot {boot.Number} ({BootNames.Name(exit.Outcome)}) waits to be recorded; no new boot starts until it is.", end))
        {
            reporter.Ended(ended!, CrashLog.FindForBoot(hive, boot.Number));
        }

        return ended;
    }

    private static readonly TimeSpan StandardErrorTimeout = TimeSpan.FromSeconds(2);
}
