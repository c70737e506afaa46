using System.CommandLine;
using System.Globalization;
using LastKnownGood.Boot;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Machines;

using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg shutdown</c>: asks the running boot manager, through the boot's record as <c>lkg boot-ok</c>
/// does, to stop its kernel cleanly (every component stopped, in reverse start order), record the
/// boot as shut down, finish its dumps and exit; then waits until it has.
/// </summary>
internal static class ShutdownCommand
{
    /// <summary>How long the boot manager has: its kernel's stop (services get SIGTERM, then SIGKILL), the boot's end, the dumps still being written.</summary>
    private static readonly TimeSpan WaitForBootManager = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static Command Create(TimeProvider time)
    {
        var command = new Command("shutdown", "Stop the running boot manager cleanly: its kernel stops every component, and the boot is recorded as shut down.");
        command.SetHandler(time, (context, _) =>
        {
            context.Machine.RequireExists();
            var holder = MachineLock.ReadHolder(context.Machine.LockPath)
                ?? throw new LkgException(NtStatus.InvalidDeviceState, $"No boot manager is running on {context.Machine.Root}, so there is nothing to shut down.");
            using var hive = context.OpenHive();
            // Between two boots for a moment; a boot manager that has halted runs none until a person comes.
            var running = Until(context.Time, TimeSpan.FromSeconds(2), () => BootLog.FindRunning(hive))
                ?? throw new LkgException(NtStatus.InvalidDeviceState, string.Create(CultureInfo.InvariantCulture,
                    $"The boot manager (pid {holder.ProcessId}) runs no boot: it has halted and waits for a person; stop it with kill -TERM {holder.ProcessId}."));
            var boot = BootLog.Request(hive, BootRequest.Shutdown);
            if (boot.Request != BootRequest.Shutdown)
            {
                throw new LkgException(NtStatus.InvalidDeviceState, $"Boot {boot.Number} has been marked bad already; its boot manager reboots it into Last Known Good rather than shut it down.");
            }

            var stopped = context.Waiting($"Boot {running.Number} shuts down...", () => Until(context.Time, WaitForBootManager,
                () => BootLog.Get(hive, running.Number) is { Ended: not null } ended && MachineLock.ReadHolder(context.Machine.LockPath) is null ? ended : null))
                ?? throw new LkgException(NtStatus.IoTimeout, string.Create(CultureInfo.InvariantCulture,
                    $"The boot manager (pid {holder.ProcessId}) was asked to shut boot {running.Number} down and has not stopped within {WaitForBootManager.TotalSeconds:0} s; see lkg status, or stop it with kill -TERM {holder.ProcessId}."));
            var outcome = BootNames.Name(stopped.Outcome);
            // An accepted boot that shuts down stays accepted (BootLog.End).
            return context.Report(new ShutdownDocument(stopped.Number, outcome), CliJson.Default.ShutdownDocument,
                () => context.Console.MarkupLine(Markup.Escape(stopped.Outcome == BootOutcome.Shutdown
                    ? $"Boot {stopped.Number} shut down; the boot manager has stopped."
                    : $"Boot {stopped.Number} shut down and stays {outcome}; the boot manager has stopped.")));
        });
        return command;
    }

    /// <summary>Polls <paramref name="step"/> until it gives a value or <paramref name="timeout"/> passes.</summary>
    private static T? Until<T>(TimeProvider time, TimeSpan timeout, Func<T?> step) where T : class
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            if (step() is { } value)
            {
                return value;
            }

            if (time.GetUtcNow() >= deadline)
            {
                return null;
            }

            Thread.Sleep(PollInterval);
        }
    }
}
