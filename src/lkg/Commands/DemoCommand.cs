using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using LastKnownGood.Cli.Demo;
using LastKnownGood.Cli.Documents;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg demo notmyfault [--verifier] [--fault F]</c> and <c>lkg demo crowdstrike [--mode M]</c>: the
/// scenarios of DESIGN §13 on throwaway machines in a temporary directory, deleted at the end.
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
            return context.Report(rows, CliJson.Default.NotMyFaultRowArray, () => Print(context, rows, total));

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
                    rows.Add(context.Waiting($"Booting a fresh machine with NotMyFault's {fault}, verifier {(verified ? "on" : "off")}...",
                        () => demo.RunAsync(fault, verified, stop).GetAwaiter().GetResult()));
                }
            }

            return faults.Count == NotMyFaultDemo.Faults.Length ? [.. rows, NotMyFaultDemo.CriticalProcess] : [.. rows];
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw new LkgException(NtStatus.Unsuccessful, "The demo was stopped; its throwaway machines have been deleted.");
        }
    }

    private static void Print(CommandContext context, IReadOnlyList<NotMyFaultRow> rows, TimeSpan total)
    {
        var table = new TextTable("Fault", "Verifier", "Bug check", "Blamed", "Failure bucket", "Confidence", "Other suspects", "Took");
        foreach (var row in rows)
        {
            var ran = row != NotMyFaultDemo.CriticalProcess;
            table.Add(
                row.Fault,
                !ran ? "" : row.Verifier ? "on" : "off",
                row.BugCheck is { } stop ? $"0x{Convert.ToUInt32(stop.Code, 16):X} {stop.Name}" : new TableCell(row.Note ?? "", Color.Grey),
                row.Blamed is null ? "" : row.Module is { } module && module != row.Blamed ? $"{row.Blamed} / {module}" : row.Blamed,
                row.Bucket ?? "",
                row.Confidence is { } confidence ? ConfidenceCell(confidence) : "",
                string.Join(", ", row.Suspects.Select(s => s.Driver)),
                ran ? $"{row.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s" : "");
        }

        table.Write(context);
        var boots = rows.Count(r => r != NotMyFaultDemo.CriticalProcess);
        context.Console.MarkupLineInterpolated($"{boots} boot{(boots == 1 ? "" : "s")} in {total.TotalSeconds:0} s, each on a fresh throwaway machine, all deleted now.");
        if (rows.Any(r => r.Fault is "hang" or "deadlock" && !r.Verifier))
        {
            // lkg boot has no setting for the kernel's watchdog, so the demo does not shorten it.
            context.Console.MarkupLine("Without the verifier the hang and the deadlock wait out the kernel's 10 s watchdog; the verifier's watchdog check gives a driver 1 s.");
        }
    }

    /// <summary>
    /// The machines' timelines: on a terminal side by side, a column per machine, as the incident
    /// struck them at once; in a pipe, one line per event, each naming its machine.
    /// </summary>
    private static void WriteTimeline(CommandContext context, IReadOnlyDictionary<string, CrowdStrikeRun> runs)
    {
        static string Time(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds,6:+0.0;-0.0} s");
        if (CommandContext.Piped)
        {
            var lines = new TextTable("Mode", "Time", "Event");
            foreach (var (mode, run) in runs)
            {
                foreach (var e in run.Timeline)
                {
                    lines.Add(mode, Time(e.Seconds).Trim(), e.What);
                }
            }

            lines.Write(context);
            return;
        }

        var timeline = new Table();
        foreach (var mode in runs.Keys)
        {
            timeline.AddColumn(new TableColumn(new Text(mode)));
        }

        timeline.AddRow(runs.Values.Select(r => new Text(string.Join('\n', r.Timeline.Select(e => $"{Time(e.Seconds)}  {e.What}")))));
        context.Console.Write(timeline);
    }

    private static TableCell ConfidenceCell(Diagnostics.Confidence confidence) => confidence switch
    {
        Diagnostics.Confidence.Certain => new("certain", Color.Green),
        Diagnostics.Confidence.Likely => new("likely", Color.Yellow),
        _ => new("uncertain", Color.Red),
    };

    private static Command CrowdStrike(TimeProvider time)
    {
        var mode = new Option<string>("--mode") { Description = "Which machine to run: classic, improved, isolated, preflight or all (default).", DefaultValueFactory = _ => "all" };
        mode.AcceptOnlyFromAmong([.. CrowdStrikeDemo.Modes, "all"]);
        var command = new Command("crowdstrike",
            "Replay the CrowdStrike update of 19 July 2024 on one throwaway machine per recovery mode, side by side, and sum up what each lost.") { mode };
        command.SetHandler(time, (context, result) =>
        {
            var chosen = result.GetValue(mode)!;
            var modes = chosen == "all" ? CrowdStrikeDemo.Modes : [chosen];
            using var stop = new CancellationTokenSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            if (!context.Json)
            {
                context.Console.MarkupLineInterpolated($"[grey]Replaying the bad channel file 291 on {modes.Length} throwaway machine{(modes.Length == 1 ? "" : "s")} ({string.Join(", ", modes)}), side by side...[/]");
            }

            var runs = context.Waiting("The machines boot, crash and recover...", () => RunCrowdStrikeAsync(modes, context.Time, stop.Token).GetAwaiter().GetResult());
            return context.Report(runs, CliJson.Default.DictionaryStringCrowdStrikeRun, () => PrintCrowdStrike(context, runs));

            void Stop(PosixSignalContext signal)
            {
                signal.Cancel = true;
                stop.Cancel();
            }
        });
        return command;
    }

    /// <summary>Every mode on its own machine, all at once, as the incident struck every machine at once.</summary>
    private static async Task<Dictionary<string, CrowdStrikeRun>> RunCrowdStrikeAsync(IReadOnlyList<string> modes, TimeProvider time, CancellationToken stop)
    {
        try
        {
            using var machines = await ThrowawayMachines.CreateAsync(CrowdStrikeDemo.Drivers, CrowdStrikeDemo.Settings, stop);
            var demo = new CrowdStrikeDemo(machines, time);
            var runs = await Task.WhenAll(modes.Select(m => demo.RunAsync(m, stop)));
            return modes.Zip(runs).ToDictionary(p => p.First, p => p.Second);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw new LkgException(NtStatus.Unsuccessful, "The demo was stopped; its throwaway machines have been deleted.");
        }
    }

    private static void PrintCrowdStrike(CommandContext context, IReadOnlyDictionary<string, CrowdStrikeRun> runs)
    {
        WriteTimeline(context, runs);
        var summary = new TextTable("Mode", "Failed boots", "Manual steps", "Machine down", "Recovered", "Seconds", "Blamed", "Quarantined");
        foreach (var (mode, run) in runs)
        {
            summary.Add(mode, $"{run.FailedBoots}", $"{run.ManualSteps}", run.MachineDown ? new TableCell("yes", Color.Red) : new TableCell("no", Color.Green),
                run.Recovered ? "yes" : new TableCell("no", Color.Red), run.Seconds.ToString("0.0", CultureInfo.InvariantCulture), run.Blamed ?? "",
                string.Join(", ", run.Quarantined));
        }

        summary.Write(context);
        context.Console.MarkupLine("Times are seconds from the bad file's arrival; every machine was a throwaway copy, all deleted now.");
    }
}
