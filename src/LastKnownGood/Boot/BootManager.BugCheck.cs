using LastKnownGood.Diagnostics;

namespace LastKnownGood.Boot;

public sealed partial class BootManager
{
    /// <summary>
    /// DESIGN §9, the boot manager's half of a bug check: the kernel handed its record over and
    /// stopped its group. Stop the group again (in case the kernel's own stop has not landed).
    /// With no dump to take, end the group, then write the record with the boot's end, in one
    /// transaction. With one, the stopped kernel is left to <see cref="StartDump"/> and the record
    /// is written with the boot's end while <c>createdump</c> reads it; the next boot starts
    /// without waiting for the dump, which is recorded once written (<see cref="RecordWrittenDumps"/>).
    /// </summary>
    private async Task RecordBugCheckAsync(BootRecord boot, KernelProcess kernel, CrashRecord crash, DumpType dumpType, CancellationToken end)
    {
        kernel.StopGroup();
        var exit = new KernelExit(BootOutcome.Bugcheck, "bug check") { Crash = crash };
        if (dumpType == DumpType.None)
        {
            kernel.KillGroup();
            await kernel.Exited;
            await CloseAsync(boot, kernel, exit, end);
            return;
        }

        var dump = StartDump(boot, kernel, dumpType);
        // Should the stopped kernel hold the hive's write lock, this waits out the dump, which ends the kernel.
        dump.CrashId = (await RecordEndAsync(boot, exit, time.GetUtcNow(), end))?.CrashId;
    }
}
