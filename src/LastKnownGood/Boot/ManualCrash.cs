using LastKnownGood.Internal;
using LastKnownGood.Machines;
using LastKnownGood.Registry;

namespace LastKnownGood.Boot;

/// <summary>
/// <c>lkg crash</c>, Windows' CrashOnCtrlScroll: the running kernel receives SIGUSR1 and bug
/// checks with 0xE2 MANUALLY_INITIATED_CRASH, so a person can take a crash record (and a dump,
/// when <c>CrashControl</c> asks for one) of a machine that seems wrong.
/// </summary>
public static class ManualCrash
{
    public const int Signal = Libc.SignalUser1;

    /// <summary>Signals the running boot's kernel; returns that boot.</summary>
    public static BootRecord Trigger(MachineDirectory machine, Hive hive)
    {
        var running = BootLog.FindRunning(hive);
        if (running?.KernelProcessId is not { } kernel || !KernelProcess.IsKernelOf(kernel, machine))
        {
            throw new LkgException(NtStatus.InvalidDeviceState, $"No kernel is running on {machine.Root}; start one with lkg boot.");
        }

        Libc.Kill(kernel, Signal);
        return running;
    }
}
