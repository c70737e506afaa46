using System.CommandLine;
using System.Globalization;
using LastKnownGood.Boot;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Diagnostics;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg history [--all | --since BOOT|TIME]</c>: the machine's boots as a timeline, oldest first, the
/// newest 50 unless asked for more. Rows are written as they are read, a page at a time, so neither
/// time nor memory grows with the part of the history not shown.
/// </summary>
internal static class HistoryCommand
{
    /// <summary>How many boots <c>lkg history</c> shows without <c>--all</c> or <c>--since</c>.</summary>
    public const int DefaultCount = 50;

    public static Command Create(TimeProvider time)
    {
        var all = new Option<bool>("--all") { Description = $"Show every boot, not only the newest {DefaultCount}." };
        var since = new Option<string?>("--since")
        {
            HelpName = "BOOT|TIME",
            Description = "Show every boot from this one on: a boot number (120), or one that started at or after a date and time in ISO 8601 "
                + "(2026-07-19, \"2026-07-19 04:09\", 2026-07-19T04:09+02:00), UTC unless it gives an offset, like every time shown.",
        };
        var command = new Command("history", $"Show the newest {DefaultCount} boots, oldest first: control set, mode, outcome, stop code and why each was chosen.") { all, since };
        command.SetHandler(time, (context, result) =>
        {
            var from = result.GetValue(since) is { } text ? ParseSince(text) : null;
            if (from is not null && result.GetValue(all))
            {
                throw new UsageException("Give --all or --since, not both: --since already shows every boot from there on.");
            }

            using var hive = context.ReadHive();
            var last = BootLog.NewestNumber(hive);
            var first = from?.Boot ?? (result.GetValue(all) ? 1 : BootLog.FirstOfNewest(hive, DefaultCount));
            var lines = Read(hive, first, last, from?.Time);
            if (context.Json)
            {
                // The JSON stays an array of boots; damaged rows are said on standard error, one line each.
                CommandContext.WriteJsonArray(lines.Where(l => l.Boot is not null || Warn(l.Damage!)).Select(l => BootDocument.From(l.Boot!, l.Crash, l.Recovery)), CliJson.Default.BootDocument);
                return ExitCodes.Success;
            }

            // In a pipe, plain lines straight to standard output: the console's markup rendering costs more than reading a row.
            using var pipe = CommandContext.Piped ? new StreamWriter(System.Console.OpenStandardOutput()) : null;
            Action<string[], string?> write = pipe is not null
                ? (cells, _) => pipe.WriteLine(string.Join("  ", cells).TrimEnd())
                : (cells, colour) => context.Console.MarkupLine(Markup(cells, colour));
            Write(write, lines, width: Math.Max(4, $"{last}".Length));
            if (from is null && first > 1)
            {
                write([$"The newest {DefaultCount} of {last} boots: --all shows every one, --since BOOT or --since TIME those from there on."], null);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A boot with its crash record and, for a fallback, its recovery report; or a damaged row (of a boot, a crash record or a report of the boots read).</summary>
    private readonly record struct Line(BootRecord? Boot, CrashRecord? Crash, DamagedRow? Damage, RecoveryReport? Recovery = null);

    /// <summary>The boots numbered <paramref name="first"/> to <paramref name="last"/> that started at or after <paramref name="since"/>, a page at a time.</summary>
    private static IEnumerable<Line> Read(Hive hive, int first, int last, DateTimeOffset? since)
    {
        foreach (var page in BootLog.ReadPages(hive, first, last, since))
        {
            var crashes = CrashLog.ReadForBoots(hive, BootLog.Number(page[0]), BootLog.Number(page[^1]));
            var byId = crashes.Select(c => c.Value).OfType<CrashRecord>().ToDictionary(c => c.Id);
            var reports = RecoveryLog.ReadForBoots(hive, BootLog.Number(page[0]), BootLog.Number(page[^1]));
            var byBoot = reports.Select(r => r.Value).OfType<RecoveryReport>().ToDictionary(r => r.Boot);
            foreach (var row in page)
            {
                yield return row.Value is { } boot
                    ? new(boot, boot.CrashId is { } id ? byId.GetValueOrDefault(id) : null, null, byBoot.GetValueOrDefault(boot.Number))
                    : new(null, null, row.Damage);
            }

            foreach (var damaged in crashes.Select(c => c.Damage).Concat(reports.Select(r => r.Damage)).OfType<DamagedRow>())
            {
                yield return new(null, null, damaged);
            }
        }
    }

    /// <summary>Writes the timeline as rows of cells, each row before the next is read; a row's outcome colours it on a terminal.</summary>
    private static void Write(Action<string[], string?> write, IEnumerable<Line> lines, int width)
    {
        var any = false;
        foreach (var line in lines)
        {
            if (!any)
            {
                write(Row(width, "Boot", "Started", "Control set", "Mode", "Outcome", "Stop", "Why this boot"), null);
                any = true;
            }

            if (line.Boot is not { } boot)
            {
                write([$"Damaged: {line.Damage}."], "yellow");
                continue;
            }

            write(Row(width, $"{boot.Number}", $"{boot.Started:u}", ControlSetInfo.FormatName(boot.ControlSet), BootNames.Name(boot.Mode),
                BootNames.Name(boot.Outcome), line.Crash is { } crash ? $"0x{(uint)crash.Code:X} {crash.Component}" : "", boot.Reason), Colour(boot.Outcome));
            if (line.Recovery is { Blamed: not null } or { Quarantined.Count: > 0 })
            {
                var report = line.Recovery;
                write([$"{"".PadLeft(width)}  blamed {report.Blamed ?? "nothing"}; quarantined {(report.Quarantined.Count == 0 ? "nothing" : string.Join(", ", report.Quarantined.Select(q => $"{q.Component} {q.Name} (entry {q.Id})")))}"], null);
            }
        }

        if (!any)
        {
            write(["No boots to show."], null);
        }
    }

    /// <summary>One line of the timeline: fixed columns, so a row is written before the next is read.</summary>
    private static string[] Row(int width, string boot, string started, string controlSet, string mode, string outcome, string stop, string why) =>
        [boot.PadLeft(width), started.PadRight(20), controlSet.PadRight(13), mode.PadRight(15), outcome.PadRight(13), stop.PadRight(20), why];

    /// <summary>A row as markup for a terminal, its outcome cell (or its only cell) in <paramref name="colour"/>.</summary>
    private static string Markup(string[] cells, string? colour)
    {
        var coloured = cells.Length == 1 ? 0 : 4;
        return string.Join("  ", cells.Select((cell, i) => colour is not null && i == coloured ? $"[{colour}]{Spectre.Console.Markup.Escape(cell)}[/]" : Spectre.Console.Markup.Escape(cell))).TrimEnd();
    }

    private static string? Colour(BootOutcome outcome) => outcome switch
    {
        BootOutcome.Running or BootOutcome.Shutdown => null,
        BootOutcome.Accepted => "green",
        _ => "red",
    };

    private static bool Warn(DamagedRow row)
    {
        System.Console.Error.WriteLine($"warning: {row}.");
        return false;
    }

    /// <summary>
    /// <c>--since</c>: a boot number, or a date and time in ISO 8601 (a date alone is its midnight),
    /// UTC unless it gives an offset, since every time shown is UTC.
    /// </summary>
    private static (int Boot, DateTimeOffset? Time)? ParseSince(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var boot) && boot > 0)
        {
            return (boot, null);
        }

        return text.Length >= 10 && DateOnly.TryParseExact(text[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? (1, time)
            : throw new UsageException($"--since takes a boot number (1 or more) or a date and time, such as 120, 2026-07-19 or \"2026-07-19 04:09\", not \"{Quote.Short(text)}\".");
    }
}
