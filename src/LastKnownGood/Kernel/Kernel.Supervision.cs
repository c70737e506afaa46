using LastKnownGood.Boot;
using LastKnownGood.Internal;

namespace LastKnownGood.Kernel;

public sealed partial class Kernel
{
    /// <summary>
    /// Under a boot manager (<see cref="KernelOptions.Boot"/> set), the kernel leads its own
    /// process group, so that a reboot kills every process of the boot at once. Its standard
    /// input is the boot manager's lifeline: the pipe reads end-of-file only when the boot
    /// manager has died, and then the kernel ends its whole group, since a boot must not outlive
    /// the supervisor that would record it.
    /// </summary>
    private void AttachToBootManager()
    {
        if (_options.Boot is null)
        {
            return;
        }

        _ = Libc.SetProcessGroup(0, 0);
        if (_options.CrashHandoff is { } pipe)
        {
            // The pipe is the boot manager's and this kernel's alone: the services it starts must not hold it open.
            _ = Libc.Fcntl(pipe, Libc.SetDescriptorFlags, Libc.DescriptorCloseOnExec);
        }

        var lifeline = new Thread(() =>
        {
            using var input = Console.OpenStandardInput();
            var buffer = new byte[64];
            while (input.Read(buffer) > 0)
            {
                // The boot manager writes nothing; only end-of-file matters.
            }

            Console.Error.WriteLine("The boot manager is gone; ending this boot's process group.");
            Libc.Kill(0, Libc.SignalKill);
        })
        { IsBackground = true, Name = "boot manager lifeline" };
        lifeline.Start();
    }

    /// <summary>How long marking the boot ready waits for the event log's writer to catch up.</summary>
    private static readonly TimeSpan ReadyFlushTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Every component has started: the boot manager's acceptance clock starts now.</summary>
    private void MarkReady()
    {
        if (_options.Boot is { } number)
        {
            // Ready is when the last component started, the moment a kernel run by hand prints it. The mark
            // waits for the event log's flush, so that what lkg status shows once the boot is ready is every
            // component's state as it is now, not a batch behind; that bookkeeping is not the boot's start.
            var ready = _time.GetUtcNow();
            Events.Flush(ReadyFlushTimeout);
            WithHive((hive, _) =>
            {
                BootLog.MarkReady(hive, number, ready);
                return 0;
            });
        }
    }

    /// <summary>The SDK's <c>ReportBootOk()</c>: asks the boot manager to accept this boot now.</summary>
    internal NtStatus ReportBootOk(string component)
    {
        var status = RequestBootOk();
        Events.Write(component, status.IsSuccess ? "reported the boot good" : $"reported the boot good, which cannot be taken: {status.Name ?? status.ToString()}");
        return status;
    }

    private NtStatus RequestBootOk()
    {
        if (_options.Boot is null)
        {
            return NtStatus.InvalidDeviceState;
        }

        try
        {
            return WithHive((hive, _) => BootLog.Request(hive, BootRequest.Ok)).Number == _options.Boot ? NtStatus.Success : NtStatus.InvalidDeviceState;
        }
        catch (LkgException e)
        {
            return e.Status;
        }
    }
}
