using LastKnownGood.Diagnostics;

namespace LastKnownGood.Boot;

public sealed partial class BootManager
{
    /// <summary>Dumps of stopped kernels still being written, or written and not yet recorded, oldest first.</summary>
    private readonly List<PendingDump> _dumps = [];

    /// <summary>
    /// DESIGN §9, step 3, off the path to the next boot: keeps the bug checked <paramref name="kernel"/>
    /// stopped while <c>createdump</c> reads it, on the thread pool, and kills its group when that is
    /// done. The rest of its group is killed at once, so that what the boot's services and hosts
    /// hold (ports, files, locks) is free for the next boot; the kernel itself holds nothing the
    /// next kernel needs (its socket path is taken over, its hive connection only reads once stopped,
    /// and a write it was stopped in is waited out by the next write until the kill).
    /// </summary>
    private PendingDump StartDump(BootRecord boot, KernelProcess kernel, DumpType dumpType)
    {
        kernel.KillGroupButKernel();
        var dump = new PendingDump(boot, kernel, Task.Run(async () =>
        {
            try
            {
                return await KernelDump.WriteAsync(options.CreateDump, machine, kernel.Id, dumpType, boot.Number);
            }
            finally
            {
                kernel.KillGroup();
                await kernel.Exited;
            }
        }));
        _dumps.Add(dump);
        return dump;
    }

    /// <summary>Whether <paramref name="kernel"/> belongs to a dump in writing: it outlives its boot's watch.</summary>
    private bool IsDumping(KernelProcess kernel) => _dumps.Exists(d => d.Kernel == kernel);

    /// <summary>
    /// Records every dump that is done, one try each: a dump whose record the hive refuses now
    /// waits for the next call. Called as boots are watched, so a dump is recorded within a poll.
    /// </summary>
    private void RecordWrittenDumps()
    {
        foreach (var dump in _dumps.Where(d => d.Written.IsCompleted).ToList())
        {
            if (RecordDump(dump, write => TryWrite(write, $"The dump of boot {dump.Boot.Number}'s bug check waits to be recorded.")))
            {
                _dumps.Remove(dump);
                dump.Kernel.Dispose();
            }
        }
    }

    /// <summary>
    /// Waits for every dump still in writing and records it, however long the hive refuses the write
    /// or until <paramref name="end"/> (then one last try). Every run ends here, so no dump is left
    /// half written by a boot manager that stops; saying so when it has to wait.
    /// </summary>
    private async Task FinishDumpsAsync(CancellationToken end, bool sayWhy)
    {
        foreach (var dump in _dumps.ToList())
        {
            if (sayWhy && !dump.Written.IsCompleted)
            {
                reporter.Warning($"The dump of boot {dump.Boot.Number}'s bug check is still being written; the boot manager waits for it before it stops.");
            }

            await dump.Written;
            // Stopped while the hive refuses the record: the dump stays under its final name, unrecorded.
            _ = await DurablyAsync(() => RecordDump(dump, write => { write(); return true; }),
                $"The dump of boot {dump.Boot.Number}'s bug check waits to be recorded.", end);
            _dumps.Remove(dump);
            dump.Kernel.Dispose();
        }
    }

    /// <summary>
    /// Names a written dump after its crash record and records it there (<c>CrashLog.SetDump</c>), or
    /// warns that it could not be written, as before the dump left the path. False: the hive refused
    /// the record (the dump keeps its name in writing until the next try).
    /// </summary>
    private bool RecordDump(PendingDump dump, Func<Action, bool> write)
    {
        var boot = dump.Boot.Number;
        if (dump.Written.Result is { } error)
        {
            reporter.Warning($"The dump of {(dump.CrashId is { } crash ? $"crash {crash}" : $"boot {boot}'s bug check")} could not be written: {error}");
            return true;
        }

        if (dump.CrashId is not { } id)
        {
            // The crash record never became durable (the run was stopped while the hive refused it): nothing to attach the dump to.
            KernelDump.Discard(machine, boot);
            reporter.Warning($"The dump of boot {boot}'s bug check is dropped: its crash record could not be written.");
            return true;
        }

        string name;
        try
        {
            name = KernelDump.Complete(machine, boot, id);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reporter.Warning($"The dump of crash {id} could not be written: {e.Message}");
            return true;
        }

        return write(() => CrashLog.SetDump(hive, id, name));
    }
}
