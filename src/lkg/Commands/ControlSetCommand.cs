using System.CommandLine;
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
            return context.Report(sets.Select(s => ToJson(s, select)), () =>
            {
                var table = new Table().AddColumns("Set", "Select", "Parent", "Created", "Author", "Reason");
                foreach (var set in sets)
                {
                    table.AddRow(set.Name, string.Join(", ", Roles(set.Id, select)), set.Parent is { } p ? ControlSetInfo.FormatName(p) : "",
                        set.Created.ToString("u"), Markup.Escape(set.Author), Markup.Escape(set.Reason));
                }

                context.Console.Write(table);
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
            return context.Report(new { set = ToJson(set, hive.ReadSelect()), keys = KeyToJson(hive, set.Id, KeyPath.Root, root) }, () =>
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
            return context.Report(differences.Select(d => new
            {
                kind = d.Kind,
                key = d.Key.ToString(),
                name = d.Name,
                type = (d.New ?? d.Old) is { } v ? RegistryValueKinds.Name(v.Kind) : null,
                old = d.Old is null ? null : ValueFormat.ToJson(d.Old),
                @new = d.New is null ? null : ValueFormat.ToJson(d.New),
            }), () =>
            {
                var table = new Table().AddColumns("Change", "Key", "Value", "Old", "New");
                foreach (var d in differences)
                {
                    table.AddRow(d.Kind.ToString(), Markup.Escape(d.Key.ToString()), Markup.Escape(d.Name ?? ""),
                        Markup.Escape(d.Old?.ToDisplayString() ?? ""), Markup.Escape(d.New?.ToDisplayString() ?? ""));
                }

                context.Console.Write(differences.Count == 0 ? new Text("The two sets are the same.") : table);
            });
        });
        return command;
    }

    private static object ToJson(ControlSetInfo set, Select select) => new
    {
        id = set.Id,
        name = set.Name,
        parent = set.Parent,
        created = set.Created,
        author = set.Author,
        reason = set.Reason,
        root = set.Root.ToString(),
        select = Roles(set.Id, select),
    };

    private static IEnumerable<string> Roles(int id, Select select) =>
        select.Values.Where(v => v.ControlSet == id).Select(v => v.Name);

    private static object KeyToJson(Hive hive, int set, KeyPath path, KeyNode node) => new
    {
        name = path.Name,
        values = node.Values.Select(ValueFormat.ToJson),
        subkeys = node.Subkeys.Select(s => KeyToJson(hive, set, path.Child(s.Name), hive.OpenKey(set, path.Child(s.Name))!)),
    };

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
