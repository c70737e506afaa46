using System.CommandLine;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Services;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg reg query|set|delete PATH [NAME] [VALUE] [--type T]</c>. Reads work on any set;
/// writes go through <c>CurrentControlSet</c> and derive a new set from <c>Default</c>.
/// </summary>
internal static class RegCommand
{
    public static Command Create(TimeProvider time)
    {
        var command = new Command("reg", "Query and change the registry.");
        command.Subcommands.Add(Query(time));
        command.Subcommands.Add(Set(time));
        command.Subcommands.Add(Delete(time));
        return command;
    }

    private static Command Query(TimeProvider time)
    {
        var path = PathArgument();
        var name = new Argument<string?>("name") { Description = "Only this value.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("query", "Show a key's values and subkeys, or one value.") { path, name };
        command.SetHandler(time, (context, result) =>
        {
            var location = ParsePath(result.GetValue(path)!);
            using var hive = context.ReadHive();
            if (location.Kind == RegistryPathKind.Select)
            {
                var select = hive.ReadSelect();
                return ShowKey(context, location, result.GetValue(name),
                    [.. select.Values.Select(v => new NamedValue(v.Name, RegistryValue.Dword((uint)v.ControlSet)))], []);
            }

            if (location.Kind == RegistryPathKind.System)
            {
                var sets = hive.ListControlSets().Select(s => s.Name);
                return ShowKey(context, location, result.GetValue(name), [], ["Select", RegistryPath.CurrentControlSetName, .. sets]);
            }

            var set = location.Kind == RegistryPathKind.CurrentControlSet ? hive.ResolveCurrentControlSet(context.BootRunning) : location.ControlSet;
            var key = (set == 0 ? null : hive.OpenKey(set, location.Key))
                ?? throw new LkgException(NtStatus.ObjectNameNotFound, $"The key {Quote.Short(location.ToString())} does not exist; list its parent's subkeys with lkg reg query.");
            return ShowKey(context, location, result.GetValue(name), key.Values, key.Subkeys.Select(s => s.Name));
        });
        return command;
    }

    private static Command Set(TimeProvider time)
    {
        var path = PathArgument();
        var name = new Argument<string>("name") { Description = "The value's name." };
        var value = new Argument<string>("value") { Description = "The data; for --type file, the path of a local file." };
        var type = new Option<string>("--type") { Description = $"The value type: {RegistryValueKinds.AllNames} (default sz).", DefaultValueFactory = _ => "sz" };
        var reason = ReasonOption();
        var force = ForceOption();
        var command = new Command("set", "Set a value: derives a new control set from Default.") { path, name, value, type, reason, force };
        command.SetHandler(time, (context, result) =>
        {
            var key = WritableKey(ParsePath(result.GetValue(path)!));
            var valueName = ValidName(result.GetValue(name)!);
            if (!RegistryValueKinds.TryParse(result.GetValue(type)!, out var kind))
            {
                throw new UsageException($"\"{Quote.Short(result.GetValue(type)!)}\" is not a value type; use one of {RegistryValueKinds.AllNames}.");
            }

            var text = result.GetValue(value)!;
            var parsed = kind == RegistryValueKind.File ? null : ValueFormat.Parse(kind, text);
            if (parsed is not null && !ServiceSchema.TryValidateValue(key, valueName, parsed, out var schemaError))
            {
                throw new LkgException(NtStatus.InvalidParameter, $@"{Quote.Short($@"{key}\{valueName}")}: {schemaError}");
            }

            var why = result.GetValue(reason) ?? $@"reg set {key}\{valueName}";
            if (parsed is { Kind: RegistryValueKind.MultiSz } && IsServiceKey(key) && RegistryNames.Comparer.Equals(valueName, "DependOnService"))
            {
                using var hive = context.OpenHive();
                ServiceDependencies.RequireNoCycle(hive, hive.ReadSelect().Default, key.Name, parsed.AsMultiString());
            }

            using var staged = parsed is null ? StageLocalFile(context, text) : null;
            return Write(context, why, editor =>
            {
                var final = parsed ?? RegistryValue.File(editor.StoreFile(staged!, Path.GetFileName(text)));
                if (!ServiceSchema.TryValidateValue(key, valueName, final, out var error))
                {
                    throw new LkgException(NtStatus.InvalidParameter, $@"{Quote.Short($@"{key}\{valueName}")}: {error}");
                }

                editor.SetValue(key, valueName, final);
            }, result.GetValue(force));
        });
        return command;
    }

    private static Command Delete(TimeProvider time)
    {
        var path = PathArgument();
        var name = new Argument<string?>("name") { Description = "The value to delete; without it, the key and all below it.", Arity = ArgumentArity.ZeroOrOne };
        var reason = ReasonOption();
        var command = new Command("delete", "Delete a value or a key: derives a new control set from Default.") { path, name, reason };
        command.SetHandler(time, (context, result) =>
        {
            var key = WritableKey(ParsePath(result.GetValue(path)!));
            var valueName = result.GetValue(name);
            var why = result.GetValue(reason) ?? (valueName is null ? $"reg delete {key}" : $@"reg delete {key}\{valueName}");
            return Write(context, why, editor =>
            {
                if (valueName is null)
                {
                    editor.DeleteKey(key);
                }
                else
                {
                    editor.DeleteValue(key, valueName);
                }
            });
        });
        return command;
    }

    /// <summary>Writes a new set through the quarantine: a held culprit is refused unless <paramref name="force"/>.</summary>
    internal static int Write(CommandContext context, string reason, Action<ControlSetEditor> edit, bool force = false)
    {
        using var hive = context.OpenHive();
        var outcome = GuardedWrite.Write(hive, CommandContext.Author, reason, edit, force);
        return context.Report(WriteDocument.From(outcome), CliJson.Default.WriteDocument, () =>
            context.Console.MarkupLine(outcome.Changed
                ? $"Wrote [bold]{ControlSetInfo.FormatName(outcome.ControlSet)}[/] ({Markup.Escape(reason)}); it is Default now"
                    + BootFormat.TakenLive(outcome.LiveBoot)
                : $"Nothing changed; [bold]{ControlSetInfo.FormatName(outcome.ControlSet)}[/] stays Default."));
    }

    /// <summary>Reads the file before the write begins: the hive is never held while a user's file is read.</summary>
    internal static StagedContent StageLocalFile(CommandContext context, string path)
    {
        using var hive = context.OpenHive();
        var maxSize = RecoveryOptions.Read(hive, hive.ReadSelect().Default).MaxContentSize;
        return StagedContent.Stage(path, context.Machine.NewStagingPath(), maxSize);
    }

    private static int ShowKey(CommandContext context, RegistryPath path, string? only, IReadOnlyList<NamedValue> values, IEnumerable<string> subkeys)
    {
        if (only is not null)
        {
            values = values.Where(v => RegistryNames.Comparer.Equals(v.Name, only)).ToList() is [var one]
                ? [one]
                : throw new LkgException(NtStatus.ObjectNameNotFound, $"The key {Quote.Short(path.ToString())} has no value \"{Quote.Short(only)}\"; list its values with lkg reg query.");
            subkeys = [];
        }

        var subkeyList = subkeys.ToList();
        return context.Report(new RegQueryDocument(path.ToString(), [.. values.Select(ValueDocument.From)], subkeyList), CliJson.Default.RegQueryDocument, () =>
        {
            context.Console.MarkupLineInterpolated($"[bold]{path}[/]");
            if (values.Count > 0)
            {
                var table = new TextTable("Name", "Type", "Data");
                foreach (var value in values)
                {
                    table.Add(value.Name.Length == 0 ? "(Default)" : value.Name, RegistryValueKinds.Name(value.Value.Kind), value.Value.ToDisplayString());
                }

                table.Write(context);
            }

            foreach (var subkey in subkeyList)
            {
                context.Console.MarkupLineInterpolated($"  {path}\\[blue]{subkey}[/]");
            }
        });
    }

    private static bool IsServiceKey(KeyPath key) =>
        key.Segments.Count == 2 && RegistryNames.Comparer.Equals(key.Segments[0], "Services");

    private static Argument<string> PathArgument() => new("path") { Description = @"A key, such as SYSTEM\CurrentControlSet\Services\Sensor." };

    /// <summary><c>--force</c>: write a value or content file that is quarantined all the same.</summary>
    internal static Option<bool> ForceOption() => new("--force") { Description = "Write it even if it is quarantined (lkg quarantine list shows why it is)." };

    private static Option<string?> ReasonOption() => new("--reason") { Description = "The one-line reason recorded with the new control set." };

    private static RegistryPath ParsePath(string text) =>
        RegistryPath.TryParse(text, out var path, out var error) ? path : throw new UsageException(error);

    private static string ValidName(string name) =>
        RegistryNames.TryValidateValueName(name, out var error) ? name : throw new UsageException(error);

    private static KeyPath WritableKey(RegistryPath path) => path.Kind switch
    {
        RegistryPathKind.CurrentControlSet => path.Key,
        RegistryPathKind.ControlSet => throw new LkgException(NtStatus.AccessDenied,
            $@"{ControlSetInfo.FormatName(path.ControlSet)} is immutable; write to SYSTEM\{RegistryPath.CurrentControlSetName}\{path.Key} and a new set is derived from Default."),
        _ => throw new LkgException(NtStatus.AccessDenied,
            $@"{path} is maintained by the boot manager; change configuration under SYSTEM\{RegistryPath.CurrentControlSetName}."),
    };
}
