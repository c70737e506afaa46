using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using LastKnownGood.Cli.Demo;
using LastKnownGood.Cli.Documents;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg demo notmyfault [--verifier] [--fault F]</c>: a DESIGN §13 scenario on throwaway machines
/// in a temporary directory, deleted at the end. <c>lkg demo crowdstrike</c> is not built yet.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(TimeProvider time)
    {
        var command = new Command("demo", "Run a scenario of the design on throwaway machines, and show what happened.");
        command.Subcommands.Add(NotMyFault(time));
        command.Subcommands.Add(CrowdStrike(time));
        return command;
    }

    private static Command NotMyFault(TimeProvider time)
    {
        var verifier = new Option<bool>("--verifier") { Description = "Run each fault twice, without and with the verifier on NotMyFault (all its checks), in adjacent rows." };
        var fault = new Option<string?>("--fault") { Description = "Run only this fault." };
        fault.AcceptOnlyFromAmong(NotMyFaultDemo.Faults);
        var command = new Command("notmyfault",
            "Boot NotMyFault with each of its faults, and show the bug check, the driver blamed and how sure the analysis is.") { verifier, fault };
        command.SetHandler(time, (context, result) =>
        {
            var faults = result.GetValue(fault) is { } one ? [one] : NotMyFaultDemo.Faults;
            var withVerifier = result.GetValue(verifier);
            using var stop = new CancellationTokenSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            var started = context.Time.GetTimestamp();
            var rows = RunAsync(context, faults, withVerifier, stop.Token).GetAwaiter().GetResult();
            var total = context.Time.GetElapsedTime(started);
            return context.Report(rows, CliJson.Default.NotMyFaultRowArray, () => Print(context, rows, withVerifier, total));

            void Stop(PosixSignalContext signal)
            {
                signal.Cancel = true;
                stop.Cancel();
            }
        });
        return command;
    }

    private static async Task<NotMyFaultRow[]> RunAsync(CommandContext context, IReadOnlyList<string> faults, bool withVerifier, CancellationToken stop)
    {
        try
        {
            using var machines = await ThrowawayMachines.CreateAsync(NotMyFaultDemo.Drivers, NotMyFaultDemo.Settings, stop);
            var demo = new NotMyFaultDemo(machines, context.Time);
            var rows = new List<NotMyFaultRow>();
            foreach (var fault in faults)
            {
                foreach (var verified in withVerifier ? [false, true] : new[] { false })
                {
                    if (!context.Json)
                    {
                        context.Console.MarkupLineInterpolated($"[grey]Booting a fresh machine with NotMyFault's {fault}, verifier {(verified ? "on" : "off")}...[/]");
                    }

                    rows.Add(await demo.RunAsync(fault, verified, stop));
                }
            }

            return faults.Count == NotMyFaultDemo.Faults.Length ? [.. rows, NotMyFaultDemo.CriticalProcess] : [.. rows];
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw new LkgException(NtStatus.Unsuccessful, "The demo was stopped; its throwaway machines have been deleted.");
        }
    }

    private static void Print(CommandContext context, IReadOnlyList<NotMyFaultRow> rows, bool withVerifier, TimeSpan total)
    {
        context.NeverWrapWhenPiped();
        var table = new Table().AddColumns("Fault", "Verifier", "Bug check", "Blamed", "Failure bucket", "Confidence", "Other suspects", "Took");
        table.ShowRowSeparators = withVerifier;
        foreach (var row in rows)
        {
            var ran = row != NotMyFaultDemo.CriticalProcess;
            table.AddRow(
                Markup.Escape(row.Fault),
                !ran ? "" : row.Verifier ? "on" : "off",
                row.BugCheck is { } stop ? Markup.Escape($"0x{Convert.ToUInt32(stop.Code, 16):X} {stop.Name}") : $"[grey]{Markup.Escape(row.Note ?? "")}[/]",
                Markup.Escape(row.Blamed is null ? "" : row.Module is { } module && module != row.Blamed ? $"{row.Blamed} / {module}" : row.Blamed),
                Markup.Escape(row.Bucket ?? ""),
                row.Confidence is { } confidence ? ConfidenceMarkup(confidence) : "",
                Markup.Escape(string.Join(", ", row.Suspects.Select(s => s.Driver))),
                ran ? $"{row.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s" : "");
        }

        context.Console.Write(table);
        var boots = rows.Count(r => r != NotMyFaultDemo.CriticalProcess);
        context.Console.MarkupLineInterpolated($"{boots} boot{(boots == 1 ? "" : "s")} in {total.TotalSeconds:0} s, each on a fresh throwaway machine, all deleted now.");
        if (rows.Any(r => r.Fault is "hang" or "deadlock" && !r.Verifier))
        {
            // lkg boot has no setting for the kernel's watchdog, so the demo does not shorten it.
            context.Console.MarkupLine("Without the verifier the hang and the deadlock wait out the kernel's 10 s watchdog; the verifier's watchdog check gives a driver 1 s.");
        }
    }

    private static string ConfidenceMarkup(Diagnostics.Confidence confidence) => confidence switch
    {
        Diagnostics.Confidence.Certain => "[green]certain[/]",
        Diagnostics.Confidence.Likely => "[yellow]likely[/]",
        _ => "[red]uncertain[/]",
    };

    /// <summary>Not built yet, and not in the help: refused, with whatever follows it, as bad usage.</summary>
    private static Command CrowdStrike(TimeProvider time)
    {
        var command = new Command("crowdstrike") { Hidden = true, TreatUnmatchedTokensAsErrors = false };
        command.SetHandler(time, (_, _) => throw new UsageException("lkg demo crowdstrike is not built yet; lkg demo notmyfault is."));
        return command;
    }
}
