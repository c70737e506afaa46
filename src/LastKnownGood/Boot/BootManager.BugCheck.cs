using LastKnownGood.Diagnostics;

namespace LastKnownGood.Boot;

public sealed partial class BootManager
{
    /// <summary>
    /// DESIGN §9, the boot manager's half of a bug check: the kernel handed its record over and
    /// stopped its group. Stop the group again (in case the kernel's own stop has not landed).
    /// With a dump to take, make the record durable first, however long the hive stays busy, then
    /// dump the stopped kernel; then end the group and the boot. With none, the record is written
    /// with the boot's end, in one transaction.
    /// </summary>
    private async Task RecordBugCheckAsync(BootRecord boot, KernelProcess kernel, CrashRecord crash, DumpType dumpType)
    {
        kernel.StopGroup();
        var exit = new KernelExit(BootOutcome.Bugcheck, "bug check") { Crash = crash };
        if (dumpType != DumpType.None)
        {
            var id = Durably(() => CrashLog.Append(hive, crash), $"The crash record of boot {boot.Number} waits for it; the kernel stays stopped.");
            var name = KernelDump.ForCrash(id);
            if (await KernelDump.WriteAsync(machine, kernel.Id, dumpType, name) is { } error)
            {
                reporter.Warning($"The dump of crash {id} could not be written: {error}");
            }
            else
            {
                Durably(() => CrashLog.SetDump(hive, id, name), $"Crash {id}'s dump waits to be recorded.");
            }

            exit = exit with { Crash = null };
        }

        kernel.KillGroup();
        await kernel.Exited;
        await CloseAsync(boot, kernel, exit);
    }

    /// <summary>A write that must happen: a hive another process holds past the busy timeout is waited out, with a warning each time.</summary>
    private T Durably<T>(Func<T> write, string waiting)
    {
        while (true)
        {
            try
            {
                return write();
            }
            catch (LkgException e) when (e.Status == NtStatus.IoTimeout)
            {
                reporter.Warning($"{e.Message} {waiting}");
            }
        }
    }

    private void Durably(Action write, string waiting) => Durably(() =>
    {
        write();
        return 0;
    }, waiting);
}
