using System.CommandLine;
using LastKnownGood.Boot;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Registry;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg boot-ok</c> and <c>lkg boot-bad</c>, as <c>NotifyBootConfigStatus(TRUE/FALSE)</c>: they
/// file the word against the running boot, and wait a little for its boot manager to act. And
/// <c>lkg crash</c>, which makes the running kernel bug check 0xE2.
/// </summary>
internal static class BootStatusCommands
{
    private static readonly TimeSpan WaitForBootManager = TimeSpan.FromSeconds(10);

    public static IEnumerable<Command> Create(TimeProvider time) =>
    [
        Create(time, "boot-ok", "Accept the running boot now: its control set becomes Last Known Good.", BootRequest.Ok),
        Create(time, "boot-bad", "Reboot the running boot at once into Last Known Good.", BootRequest.Bad),
        Crash(time),
    ];

    private static Command Crash(TimeProvider time)
    {
        var command = new Command("crash", "Make the running kernel bug check 0xE2 MANUALLY_INITIATED_CRASH.");
        command.SetHandler(time, (context, _) =>
        {
            using var hive = context.OpenHive();
            var boot = ManualCrash.Trigger(context.Machine, hive);
            var crashed = Wait(hive, boot.Number, ended: true, context.Time);
            var crash = crashed && BootLog.Get(hive, boot.Number).CrashId is { } id ? id : (long?)null;
            return context.Report(new ManualCrashDocument(boot.Number, crash), CliJson.Default.ManualCrashDocument, () => context.Console.MarkupLine(Markup.Escape(crash is null
                ? $"Boot {boot.Number}'s kernel was told to crash; its boot manager has not recorded the end yet."
                : $"Boot {boot.Number} stopped with 0xE2 MANUALLY_INITIATED_CRASH: crash {crash}.")));
        });
        return command;
    }

    private static Command Create(TimeProvider time, string name, string description, BootRequest request)
    {
        var command = new Command(name, description);
        command.SetHandler(time, (context, _) =>
        {
            using var hive = context.OpenHive();
            if (!context.BootRunning)
            {
                throw new LkgException(NtStatus.InvalidDeviceState, $"No boot manager is running on {context.Machine.Root}; start one with lkg boot.");
            }

            if (request == BootRequest.Ok && BootLog.FindRunning(hive) is { IsSafeMode: true } safe)
            {
                throw new LkgException(NtStatus.InvalidDeviceState,
                    $"Boot {safe.Number} is a safe-mode boot, and safe mode is never accepted; stop lkg boot and boot normally once the machine is repaired.");
            }

            var boot = BootLog.Request(hive, request);
            if (boot.Request != request)
            {
                throw new LkgException(NtStatus.InvalidDeviceState, $"Boot {boot.Number} has been marked bad already; it will be rebooted into Last Known Good, not accepted.");
            }

            var acted = Wait(hive, boot.Number, ended: request == BootRequest.Bad, context.Time);
            var said = (request, acted) switch
            {
                (BootRequest.Ok, true) => $"Boot {boot.Number} accepted: {ControlSetInfo.FormatName(boot.ControlSet)} is Last Known Good.",
                (BootRequest.Ok, false) => $"Boot {boot.Number} will be accepted once every component has started.",
                (_, true) => $"Boot {boot.Number} was rebooted; the next boot takes Last Known Good.",
                _ => $"Boot {boot.Number} has been marked bad; its boot manager has not acted yet.",
            };
            return context.Report(new BootRequestDocument(boot.Number, BootNames.Name(request), acted), CliJson.Default.BootRequestDocument, () => context.Console.MarkupLine(Markup.Escape(said)));
        });
        return command;
    }

    /// <summary>Polls the boot's record until its boot manager has ended it, or accepted it.</summary>
    private static bool Wait(Hive hive, int number, bool ended, TimeProvider time)
    {
        var deadline = time.GetUtcNow() + WaitForBootManager;
        while (time.GetUtcNow() < deadline)
        {
            var boot = BootLog.Get(hive, number);
            if (ended ? boot.Ended is not null : boot.Accepted is not null)
            {
                return true;
            }

            Thread.Sleep(TimeSpan.FromMilliseconds(50));
        }

        return false;
    }
}
