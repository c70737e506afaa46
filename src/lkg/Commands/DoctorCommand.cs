using System.CommandLine;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Drivers;
using LastKnownGood.Machines;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg doctor</c>: checks the machine and the key directory and says what to do for each finding
/// (<see cref="MachineDoctor"/>). It changes nothing. Exit 0 when nothing needs doing, 1 when a
/// finding is a warning or an error.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create(TimeProvider time)
    {
        var command = new Command("doctor", "Check the hive, its backup, trusted keys, key file permissions, installed packages and leftovers, and say what to do; changes nothing.");
        command.SetHandler(time, (context, _) =>
        {
            var keys = SigningKey.DefaultDirectory;
            var findings = MachineDoctor.Examine(context.Machine, keys, context.Time);
            var checks = MachineDoctor.Checks.Select(check => new DoctorCheckDocument(check, !findings.Any(f => f.Check == check && f.Severity != DoctorSeverity.Info),
                [.. findings.Where(f => f.Check == check).Select(f => new DoctorFindingDocument(f.Severity.ToString().ToLowerInvariant(), f.Problem, f.Remedy))])).ToList();
            var problems = findings.Count(f => f.Severity != DoctorSeverity.Info);
            context.Report(new DoctorDocument(context.Machine.Root, keys, checks, problems), CliJson.Default.DoctorDocument, () =>
            {
                foreach (var check in checks)
                {
                    if (check.Findings.Count == 0)
                    {
                        context.Console.MarkupLineInterpolated($"[green]ok[/]       {check.Name}");
                    }

                    foreach (var finding in check.Findings)
                    {
                        var colour = finding.Severity switch { "error" => "red", "warning" => "yellow", _ => "grey" };
                        context.Console.MarkupLineInterpolated($"[{colour}]{finding.Severity,-8}[/] {check.Name}: {finding.Problem}; {finding.Remedy}.");
                    }
                }

                context.Console.MarkupLine(problems == 0 ? "Nothing to do." : $"{problems} finding{(problems == 1 ? "" : "s")} to act on.");
            });
            return problems == 0 ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }
}
