using System.CommandLine;
using LastKnownGood.Boot;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Diagnostics;
using LastKnownGood.Registry;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary><c>lkg history</c>: the machine's boots as a timeline.</summary>
internal static class HistoryCommand
{
    public static Command Create(TimeProvider time)
    {
        var command = new Command("history", "Show every boot: control set, mode, outcome and stop code.");
        command.SetHandler(time, (context, _) =>
        {
            using var hive = context.ReadHive();
            var (crashList, damagedCrashes) = CrashLog.ReadAll(hive);
            var crashes = crashList.ToDictionary(c => c.Id);
            var (bootList, damagedBoots) = BootLog.ReadAll(hive);
            var boots = bootList.Select(b => (Boot: b, Crash: b.CrashId is { } id ? crashes.GetValueOrDefault(id) : null)).ToList();
            var damaged = damagedBoots.Concat(damagedCrashes).ToList();
            // The JSON stays an array of boots; damaged rows are said on standard error, one line each.
            foreach (var row in damaged.Where(_ => context.Json))
            {
                System.Console.Error.WriteLine($"warning: {row}.");
            }

            return context.Report([.. boots.Select(b => BootDocument.From(b.Boot, b.Crash))], CliJson.Default.BootDocumentArray, () =>
            {
                var table = new Table().AddColumns("Boot", "Started", "Control set", "Mode", "Outcome", "Stop", "Why this boot");
                foreach (var (boot, crash) in boots)
                {
                    table.AddRow(
                        $"{boot.Number}", $"{boot.Started:HH:mm:ss}", ControlSetInfo.FormatName(boot.ControlSet), BootNames.Name(boot.Mode), OutcomeMarkup(boot.Outcome),
                        crash is null ? "" : $"0x{(uint)crash.Code:X} {Markup.Escape(crash.Component ?? "")}", Markup.Escape(boot.Reason));
                }

                context.Console.Write(table);
                foreach (var row in damaged)
                {
                    context.Console.MarkupLineInterpolated($"[yellow]Damaged: {row}.[/]");
                }
            });
        });
        return command;
    }

    private static string OutcomeMarkup(BootOutcome outcome) => outcome switch
    {
        BootOutcome.Accepted => "[green]accepted[/]",
        BootOutcome.Running or BootOutcome.Shutdown => BootNames.Name(outcome),
        _ => $"[red]{BootNames.Name(outcome)}[/]",
    };
}
