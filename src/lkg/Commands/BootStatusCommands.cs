using System.CommandLine;
using LastKnownGood.Boot;
using LastKnownGood.Registry;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg boot-ok</c> and <c>lkg boot-bad</c>, as <c>NotifyBootConfigStatus(TRUE/FALSE)</c>: they
/// file the word against the running boot, and wait a little for its boot manager to act.
/// </summary>
internal static class BootStatusCommands
{
    private static readonly TimeSpan WaitForBootManager = TimeSpan.FromSeconds(10);

    public static IEnumerable<Command> Create(TimeProvider time) =>
    [
        Create(time, "boot-ok", "Accept the running boot now: its control set becomes Last Known Good.", BootRequest.Ok),
        Create(time, "boot-bad", "Reboot the running boot at once into Last Known Good.", BootRequest.Bad),
    ];

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
            var acted = Wait(hive, boot.Number, request, context.Time);
            var said = (request, acted) switch
            {
                (BootRequest.Ok, true) => $"Boot {boot.Number} accepted: {ControlSetInfo.FormatName(boot.ControlSet)} is Last Known Good.",
                (BootRequest.Ok, false) => $"Boot {boot.Number} will be accepted once every component has started.",
                (_, true) => $"Boot {boot.Number} was rebooted; the next boot takes Last Known Good.",
                _ => $"Boot {boot.Number} has been marked bad; its boot manager has not acted yet.",
            };
            return context.Report(new { boot = boot.Number, request = BootNames.Name(request), done = acted }, () => context.Console.MarkupLine(Markup.Escape(said)));
        });
        return command;
    }

    /// <summary>Polls the boot's record until its boot manager has accepted it or ended it.</summary>
    private static bool Wait(Hive hive, int number, BootRequest request, TimeProvider time)
    {
        var deadline = time.GetUtcNow() + WaitForBootManager;
        while (time.GetUtcNow() < deadline)
        {
            var boot = BootLog.Get(hive, number);
            if (request == BootRequest.Ok ? boot.Accepted is not null : boot.Ended is not null)
            {
                return true;
            }

            Thread.Sleep(TimeSpan.FromMilliseconds(50));
        }

        return false;
    }
}
