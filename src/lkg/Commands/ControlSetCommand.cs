using System.CommandLine;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Registry;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary><c>lkg controlset list | show N | diff A B</c></summary>
internal static class ControlSetCommand
{
    public static Command Create(TimeProvider time)
    {
        var command = new Command("controlset", "List, show and compare control sets.");
        command.Subcommands.Add(List(time));
        command.Subcommands.Add(Show(time));
        command.Subcommands.Add(Diff(time));
        return command;
    }

    private static Command List(TimeProvider time)
    {
        var command = new Command("list", "List the control sets and what Select names.");
        command.SetHandler(time, (context, _) =>
        {
            using var hive = context.ReadHive();
            var select = hive.ReadSelect();
            var sets = hive.ListControlSets();
            return context.Report([.. sets.Select(s => Document(s, select))], CliJson.Default.ControlSetDocumentArray, () =>
            {
                var table = new TextTable("Set", "Select", "Parent", "Created", "Author", "Reason");
                foreach (var set in sets)
                {
                    table.Add(set.Name, string.Join(", ", Roles(set.Id, select)), set.Parent is { } p ? ControlSetInfo.FormatName(p) : "",
                        set.Created.ToString("u"), set.Author, set.Reason);
                }

                table.Write(context);
            });
        });
        return command;
    }

    private static Command Show(TimeProvider time)
    {
        var id = new Argument<int>("set") { Description = "The control set's number." };
        var command = new Command("show", "Show a control set's record and its keys and values.") { id };
        command.SetHandler(time, (context, result) =>
        {
            using var hive = context.ReadHive();
            var set = hive.GetControlSet(result.GetValue(id));
            var root = hive.OpenKey(set.Id, KeyPath.Root)!;
            return context.Report(new ControlSetShowDocument(Document(set, hive.ReadSelect()), Document(hive, set.Id, KeyPath.Root, root)), CliJson.Default.ControlSetShowDocument, () =>
            {
                context.Console.MarkupLineInterpolated($"[bold]{set.Name}[/] from {(set.Parent is { } p ? ControlSetInfo.FormatName(p) : "nothing")}, {set.Created:u}, {set.Author}: {set.Reason}");
                var tree = new Tree(set.Name);
                AddToTree(hive, set.Id, KeyPath.Root, root, tree);
                context.Console.Write(tree);
            });
        });
        return command;
    }

    private static Command Diff(TimeProvider time)
    {
        var older = new Argument<int>("a") { Description = "The older control set." };
        var newer = new Argument<int>("b") { Description = "The newer control set." };
        var command = new Command("diff", "List what changed from set A to set B.") { older, newer };
        command.SetHandler(time, (context, result) =>
        {
            using var hive = context.ReadHive();
            var differences = hive.Diff(result.GetValue(older), result.GetValue(newer));
            var json = differences.Select(d => new DifferenceDocument(d.Kind, d.Key.ToString(), d.Name, (d.New ?? d.Old) is { } v ? RegistryValueKinds.Name(v.Kind) : null, d.Old, d.New));
            return context.Report([.. json], CliJson.Default.DifferenceDocumentArray, () =>
            {
                if (differences.Count == 0)
                {
                    context.Console.WriteLine("The two sets are the same.");
                    return;
                }

                var table = new TextTable("Change", "Key", "Value", "Old", "New");
                foreach (var d in differences)
                {
                    table.Add(d.Kind.ToString(), d.Key.ToString(), d.Name ?? "", d.Old?.ToDisplayString() ?? "", d.New?.ToDisplayString() ?? "");
                }

                table.Write(context);
            });
        });
        return command;
    }

    private static ControlSetDocument Document(ControlSetInfo set, Select select) =>
        new(set.Id, set.Name, set.Parent, set.Created, set.Author, set.Reason, set.Root.ToString(), [.. Roles(set.Id, select)]);

    private static IEnumerable<string> Roles(int id, Select select) =>
        select.Values.Where(v => v.ControlSet == id).Select(v => v.Name);

    private static KeyDocument Document(Hive hive, int set, KeyPath path, KeyNode node) => new(
        path.Name,
        [.. node.Values.Select(ValueDocument.From)],
        [.. node.Subkeys.Select(s => Document(hive, set, path.Child(s.Name), hive.OpenKey(set, path.Child(s.Name))!))]);

    private static void AddToTree(Hive hive, int set, KeyPath path, KeyNode node, IHasTreeNodes parent)
    {
        foreach (var value in node.Values)
        {
            parent.AddNode($"[grey]{Markup.Escape(value.Name)}[/] = {Markup.Escape(value.Value.ToString())}");
        }

        foreach (var subkey in node.Subkeys)
        {
            var child = path.Child(subkey.Name);
            AddToTree(hive, set, child, hive.OpenKey(set, child)!, parent.AddNode($"[blue]{Markup.Escape(subkey.Name)}[/]"));
        }
    }
}
