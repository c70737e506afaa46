using System.CommandLine;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Diagnostics;

namespace LastKnownGood.Cli.Commands;

/// <summary><c>lkg analyze [CRASH-ID]</c>: <c>!analyze -v</c> for a crash record, the newest by default (docs/analysis.md).</summary>
internal static class AnalyzeCommand
{
    public static Command Create(TimeProvider time)
    {
        var id = new Argument<long?>("crash") { Description = "The crash record's number (default: the newest).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("analyze", "Explain a crash: the bug check, the driver to blame and how sure that is, and what changed since Last Known Good.") { id };
        command.SetHandler(time, (context, result) =>
        {
            using var hive = context.ReadHive();
            var crash = result.GetValue(id) is { } number
                ? CrashFormat.Find(hive, number)
                : CrashLog.Newest(hive) ?? throw new LkgException(NtStatus.ObjectNameNotFound, "The machine has no crash records, so there is nothing to analyze.");
            var analysis = new Analyzer(hive, context.Machine, LkgProgram.Dumps()).Analyze(crash);
            return context.Report(analysis, CliJson.Default.CrashAnalysis, () =>
            {
                foreach (var line in AnalysisFormat.Lines(analysis))
                {
                    Console.Out.WriteLine(line);
                }
            });
        });
        return command;
    }
}
