using System.CommandLine;
using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Registry;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary><c>lkg history</c> and <c>lkg crashes</c>: the machine's boots as a timeline, and its crash records.</summary>
internal static class HistoryCommand
{
    public static IEnumerable<Command> Create(TimeProvider time) => [History(time), Crashes(time)];

    private static Command History(TimeProvider time)
    {
        var command = new Command("history", "Show every boot: control set, mode, outcome and stop code.");
        command.SetHandler(time, (context, _) =>
        {
            using var hive = context.OpenHive();
            var crashes = CrashLog.List(hive).ToDictionary(c => c.Id);
            var boots = BootLog.List(hive).Select(b => (Boot: b, Crash: b.CrashId is { } id ? crashes[id] : null)).ToList();
            return context.Report(boots.Select(b => BootFormat.ToJson(b.Boot, b.Crash)), () =>
            {
                var table = new Table().AddColumns("Boot", "Started", "Control set", "Mode", "Outcome", "Stop", "Why this boot");
                foreach (var (boot, crash) in boots)
                {
                    table.AddRow(
                        $"{boot.Number}", $"{boot.Started:HH:mm:ss}", ControlSetInfo.FormatName(boot.ControlSet), BootNames.Name(boot.Mode), OutcomeMarkup(boot.Outcome),
                        crash is null ? "" : $"0x{(uint)crash.Code:X} {Markup.Escape(crash.Component ?? "")}", Markup.Escape(boot.Reason));
                }

                context.Console.Write(table);
            });
        });
        return command;
    }

    private static Command Crashes(TimeProvider time)
    {
        var command = new Command("crashes", "Show the crash records: stop code, parameters, boot and faulting component.");
        command.SetHandler(time, (context, _) =>
        {
            using var hive = context.OpenHive();
            var crashes = CrashLog.List(hive);
            return context.Report(crashes.Select(BootFormat.ToJson), () =>
            {
                var table = new Table().AddColumns("Crash", "Time", "Boot", "Stop code", "Component", "Parameters", "Exception");
                foreach (var crash in crashes)
                {
                    table.AddRow($"{crash.Id}", $"{crash.Time:HH:mm:ss}", $"{crash.Boot}", $"0x{(uint)crash.Code:X} {crash.Name}", Markup.Escape(crash.Component ?? "unknown"),
                        string.Join(" ", crash.Parameters.Select(p => $"0x{p:X}")), Markup.Escape(crash.ExceptionType?.Split('.')[^1] ?? ""));
                }

                context.Console.Write(table);
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
