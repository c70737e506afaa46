using System.CommandLine;
using LastKnownGood.Boot;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Recovery;
using LastKnownGood.Services;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg content push COMPONENT FILE [--name NAME] | list COMPONENT | delete COMPONENT PATTERN</c>:
/// a component's content files, where the machine's recovery policy keeps them (DESIGN §8).
/// </summary>
internal static class ContentCommand
{
    public static Command Create(TimeProvider time)
    {
        var command = new Command("content", "Push, list and delete a component's content files.");
        command.Subcommands.Add(Push(time));
        command.Subcommands.Add(List(time));
        command.Subcommands.Add(Delete(time));
        return command;
    }

    private static readonly Argument<string> Component = new("component") { Description = @"The component (its Services\ key name)." };

    private static Command Push(TimeProvider time)
    {
        var file = new Argument<FileInfo>("file") { Description = "The content file to push." };
        var name = new Option<string?>("--name") { Description = "The name it takes (default: the file's own)." };
        var force = RegCommand.ForceOption();
        var noPreflight = new Option<bool>("--no-preflight") { Description = "Improved: push without running the component on the file first in a throwaway host." };
        var command = new Command("push", "Add or replace a content file of a component.") { Component, file, name, force, noPreflight };
        command.SetHandler(time, (context, result) =>
        {
            var source = result.GetValue(file)!;
            // A directory is no content file either, but it exists: the store says what it is.
            if (!source.Exists && !Directory.Exists(source.FullName))
            {
                throw new UsageException($"{Quote.Short(source.FullName)} does not exist; give the path of the content file to push.");
            }

            using var hive = context.OpenHive();
            var store = ContentStore.For(context.Machine, hive, hive.ReadSelect().Default);
            var fileName = result.GetValue(name) ?? source.Name;
            var skipped = result.GetValue(noPreflight);
            var component = result.GetValue(Component)!;
            // Under Improved, a pre-flight runs the component on the file first: seconds.
            var pushed = context.Waiting($"Pushing {fileName} to {component}...",
                () => store.Push(hive, component, source.FullName, fileName, CommandContext.Author, result.GetValue(force), skipped ? null : new Preflight(LkgProgram.Host())));
            var preflight = pushed.Preflight is { } run ? new PreflightDocument(BootNames.Name(run.Outcome), run.Events, Math.Round(run.Elapsed.TotalSeconds, 3), run.Detail) : null;
            return context.Report(new ContentPushDocument(result.GetValue(Component)!, fileName, store.Policy.ToString().ToLowerInvariant(), pushed.Where, preflight, pushed.LiveBoot), CliJson.Default.ContentPushDocument, () =>
            {
                context.Console.MarkupLine(preflight is null
                    ? $"Pushed {Markup.Escape(fileName)} to {Markup.Escape(pushed.Where)}. [yellow]Classic policy: the file is outside the control sets, so Last Known Good cannot undo it, and no pre-flight tries it.[/]"
                    : $"Pushed {Markup.Escape(fileName)}: {pushed.Where} is Default"
                        + BootFormat.TakenLive(pushed.LiveBoot));
                if (preflight is not null)
                {
                    context.Console.MarkupLine($"Pre-flight {Markup.Escape(preflight.Outcome.Replace('-', ' '))}: {Markup.Escape(preflight.Detail)}{(pushed.Preflight is { Outcome: PreflightOutcome.Passed } ? $" ({preflight.Seconds:0.00} s)" : "")}.");
                }
            });
        });
        return command;
    }

    private static Command List(TimeProvider time)
    {
        var command = new Command("list", "List a component's content files.") { Component };
        command.SetHandler(time, (context, result) =>
        {
            using var hive = context.ReadHive();
            var set = hive.ResolveCurrentControlSet(context.BootRunning);
            var store = ContentStore.For(context.Machine, hive, set);
            var files = store.List(hive, set, result.GetValue(Component)!);
            return context.Report([.. files.Select(f => new ContentFileDocument(f.Name, f.Size, f.Sha256))], CliJson.Default.ContentFileDocumentArray, () =>
            {
                var table = new TextTable("Name", "Size", "SHA-256");
                foreach (var file in files)
                {
                    table.Add(file.Name, $"{file.Size:N0}", file.Sha256[..16]);
                }

                table.Write(context);
            });
        });
        return command;
    }

    private static Command Delete(TimeProvider time)
    {
        var pattern = new Argument<string>("pattern") { Description = "File names to delete; * and ? match any characters (quote them from the shell)." };
        var command = new Command("delete", "Delete a component's content files matching a pattern.") { Component, pattern };
        command.SetHandler(time, (context, result) =>
        {
            using var hive = context.OpenHive();
            var store = ContentStore.For(context.Machine, hive, hive.ReadSelect().Default);
            var deleted = store.Delete(hive, result.GetValue(Component)!, result.GetValue(pattern)!, CommandContext.Author);
            return context.Report(new ContentDeleteDocument(deleted), CliJson.Default.ContentDeleteDocument, () => context.Console.MarkupLineInterpolated($"Deleted {string.Join(", ", deleted)}."));
        });
        return command;
    }
}
