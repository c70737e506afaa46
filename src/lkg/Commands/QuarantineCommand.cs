using System.CommandLine;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Recovery;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg quarantine list | release ID</c> (DESIGN §8): the culprits held out of every control set,
/// and letting one be written again.
/// </summary>
internal static class QuarantineCommand
{
    public static Command Create(TimeProvider time)
    {
        var command = new Command("quarantine", "List the quarantined values and content files, and release one.");
        command.Subcommands.Add(List(time));
        command.Subcommands.Add(Release(time));
        return command;
    }

    private static Command List(TimeProvider time)
    {
        var all = new Option<bool>("--all") { Description = "Show released entries too." };
        var command = new Command("list", "List the quarantined values and content files: what, why, and the crash that convicted each.") { all };
        command.SetHandler(time, (context, result) =>
        {
            using var hive = context.ReadHive();
            var entries = Quarantine.List(hive).Where(e => result.GetValue(all) || e.Released is null).ToArray();
            return context.Report(entries, CliJson.Default.QuarantineEntryArray, () =>
            {
                if (entries.Length == 0)
                {
                    context.Console.MarkupLine("Nothing is quarantined.");
                    return;
                }

                var table = new TextTable("Id", "Component", "Kind", "Name", "Identity", "Crash", "Why", "Since");
                foreach (var e in entries)
                {
                    table.Add($"{e.Id}", e.Component, e.Kind, e.Name, e.Identity[..Math.Min(e.Identity.Length, 19)],
                        e.Crash?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", e.Reason,
                        e.Released is { } released ? $"released {released:u}" : $"{e.Created:u}");
                }

                table.Write(context);
            });
        });
        return command;
    }

    private static Command Release(TimeProvider time)
    {
        var id = new Argument<long>("id") { Description = "The entry's id, from lkg quarantine list." };
        var command = new Command("release", "Let a quarantined value or content file be written again.") { id };
        command.SetHandler(time, (context, result) =>
        {
            using var hive = context.OpenHive();
            var entry = Quarantine.Release(hive, result.GetValue(id), context.Time.GetUtcNow());
            return context.Report(entry, CliJson.Default.QuarantineEntry, () =>
                context.Console.MarkupLineInterpolated($"Released entry {entry.Id}: {entry.Component}'s {entry.Name} may be written again."));
        });
        return command;
    }
}
