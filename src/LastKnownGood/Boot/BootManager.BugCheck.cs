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
    private async Task RecordBugCheckAsync(BootRecord boot, KernelProcess kernel, CrashRecord crash, DumpType dumpType, CancellationToken end)
    {
        kernel.StopGroup();
        var exit = new KernelExit(BootOutcome.Bugcheck, "bug check") { Crash = crash };
        var id = 0L;
        if (dumpType != DumpType.None
            && await DurablyAsync(() => id = CrashLog.Append(hive, crash), $"The crash record of boot {boot.Number} waits for it; the kernel stays stopped.", end))
        {
            var name = KernelDump.ForCrash(id);
            if (await KernelDump.WriteAsync(machine, kernel.Id, dumpType, name) is { } error)
            {
                reporter.Warning($"The dump of crash {id} could not be written: {error}");
            }
            else
            {
                await DurablyAsync(() => CrashLog.SetDump(hive, id, name), $"Crash {id}'s dump waits to be recorded.", end);
            }

            exit = exit with { Crash = null };
        }

        // Stopped before the record was durable: it goes with the boot's end, if that can be written.
        kernel.KillGroup();
        await kernel.Exited;
        await CloseAsync(boot, kernel, exit, end);
    }
}
