using System.CommandLine;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Diagnostics;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary><c>lkg crashes</c> and <c>lkg crashes show N</c>: the machine's crash records, listed and one in full.</summary>
internal static class CrashesCommand
{
    public static Command Create(TimeProvider time)
    {
        var command = new Command("crashes", "Show the crash records: stop code, parameters, boot and faulting component.");
        command.Subcommands.Add(Show(time));
        command.SetHandler(time, (context, _) =>
        {
            using var hive = context.ReadHive();
            var crashes = CrashLog.List(hive);
            return context.Report([.. crashes.Select(CrashDocument.From)], CliJson.Default.CrashDocumentArray, () =>
            {
                var table = new TextTable("Crash", "Time", "Boot", "Stop code", "Component", "Parameters", "Exception");
                foreach (var crash in crashes)
                {
                    table.Add($"{crash.Id}", $"{crash.Time:u}", $"{crash.Boot}", $"0x{(uint)crash.Code:X} {crash.Name}", crash.Component ?? "unknown",
                        string.Join(" ", crash.Parameters.Select(p => $"0x{p:X}")), crash.ExceptionType?.Split('.')[^1] ?? "");
                }

                table.Write(context);
            });
        });
        return command;
    }

    private static Command Show(TimeProvider time)
    {
        var id = new Argument<long>("crash") { Description = "The crash record's number." };
        var command = new Command("show", "Show one crash record in full: frames, last events, pool evidence and dump.") { id };
        command.SetHandler(time, (context, result) =>
        {
            using var hive = context.ReadHive();
            var crash = CrashFormat.Find(hive, result.GetValue(id));
            return context.Report(CrashDocument.From(crash), CliJson.Default.CrashDocument, () =>
            {
                foreach (var line in CrashFormat.Lines(crash))
                {
                    Console.Out.WriteLine(line);
                }
            });
        });
        return command;
    }
}
