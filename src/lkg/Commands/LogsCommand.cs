using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using LastKnownGood.Boot;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Registry;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg logs [-b [N]] [-u COMPONENT] [-f]</c>: the event log (docs/event-log.md), oldest line first,
/// of the newest boot unless <c>-b</c> names another (a boot number, or 0, -1, … counted back from the
/// newest, as journalctl counts, or <c>all</c>). Lines are read and written a page at a time; <c>-f</c>
/// then polls for newer ones, by id, until interrupted.
/// </summary>
internal static class LogsCommand
{
    private const int PageSize = 500;

    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(200);

    public static Command Create(TimeProvider time)
    {
        var boot = new Option<string?>("--boot", "-b")
        {
            HelpName = "N|all",
            Arity = ArgumentArity.ZeroOrOne,
            Description = "The boot to show: its number (as lkg history numbers it), 0 for the newest (also -b alone), -1 for the one before, and so on; all for every boot. Default: the newest.",
        };
        var component = new Option<string?>("--component", "-u") { HelpName = "COMPONENT", Description = "Only the lines of this component (a driver's or service's name, or kernel)." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Then print new lines as they are written, until interrupted (Ctrl-C)." };
        var command = new Command("logs", "Show the event log: what the kernel, drivers and services of a boot printed.") { boot, component, follow };
        command.SetHandler(time, (context, result) =>
        {
            using var hive = context.ReadHive();
            var newest = BootLog.NewestNumber(hive);
            var chosen = result.GetResult(boot) is null ? newest : ParseBoot(result.GetValue(boot), newest);
            var name = result.GetValue(component);
            using var stop = new CancellationTokenSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            // Without -b, following goes on into the boots that come next, as journalctl -f does.
            var followed = result.GetResult(boot) is null ? null : chosen;
            var lines = Read(hive, chosen, name, result.GetValue(follow) ? followed : chosen, result.GetValue(follow), stop.Token);
            if (context.Json)
            {
                CommandContext.WriteJsonArray(lines.Select(EventDocument.From), CliJson.Default.EventDocument);
                return ExitCodes.Success;
            }

            // In a pipe, plain lines straight to standard output, flushed as they come: no markup, no escape codes.
            using var pipe = CommandContext.Piped ? new StreamWriter(System.Console.OpenStandardOutput()) { AutoFlush = true } : null;
            foreach (var line in lines)
            {
                if (pipe is not null)
                {
                    pipe.WriteLine(EventFormat.Plain(line));
                }
                else
                {
                    context.Console.MarkupLine(EventFormat.Markup(line));
                }
            }

            return ExitCodes.Success;

            void Stop(PosixSignalContext signal)
            {
                signal.Cancel = true;
                stop.Cancel();
            }
        });
        return command;
    }

    /// <summary>
    /// The lines of <paramref name="boot"/> (every boot when null), a page at a time; when following,
    /// then the lines written after them, of <paramref name="followBoot"/> (every boot when null, so a
    /// reboot's lines come too), until <paramref name="stop"/>.
    /// </summary>
    private static IEnumerable<EventEntry> Read(Hive hive, int? boot, string? component, int? followBoot, bool follow, CancellationToken stop)
    {
        var after = 0L;
        IReadOnlyList<EventEntry> page;
        do
        {
            page = EventStore.ReadAfter(hive, boot, component, after, PageSize);
            foreach (var line in page)
            {
                after = line.Id;
                yield return line;
            }
        }
        while (page.Count == PageSize && !stop.IsCancellationRequested);

        while (follow && !stop.IsCancellationRequested)
        {
            page = EventStore.ReadAfter(hive, followBoot, component, after, PageSize);
            foreach (var line in page)
            {
                after = line.Id;
                yield return line;
            }

            if (page.Count < PageSize)
            {
                stop.WaitHandle.WaitOne(FollowInterval);
            }
        }
    }

    /// <summary><c>-b</c>'s value: null (given alone) or 0 is the newest boot, a negative number counts back from it, <c>all</c> is every boot.</summary>
    private static int? ParseBoot(string? text, int newest)
    {
        if (text == "all")
        {
            return null;
        }

        if (text is not null && !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw new UsageException($"-b takes a boot number, 0 or a negative number counted back from the newest boot, or all, not \"{Quote.Short(text)}\"; run lkg logs --help for usage.");
        }

        var number = text is null ? 0 : int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var boot = number > 0 ? number : newest + number;
        return boot >= 1 && boot <= newest
            ? boot
            : throw new UsageException(newest == 0
                ? $"-b {text} names no boot: the machine has not booted yet, so it has no event log; start it with lkg boot."
                : newest == 1 ? $"-b {text} names no boot: the machine has booted once, boot 1 (-b 0)."
                : $"-b {text} names no boot: the machine has boots 1 to {newest} (-b 0 is the newest, -b -{newest - 1} the first).");
    }
}
