using System.CommandLine;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Machines;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Services;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary><c>lkg init [--from MANIFEST.json] [--policy classic|improved] [--test-signing]</c></summary>
internal static class InitCommand
{
    public static Command Create(TimeProvider time)
    {
        var from = new Option<FileInfo?>("--from") { Description = "A machine manifest (JSON, comments allowed) describing Services and Control." };
        var policy = new Option<string?>("--policy") { Description = "The recovery policy: classic or improved (default: the manifest's, else improved)." };
        policy.AcceptOnlyFromAmong("classic", "improved");
        var testSigning = new Option<bool>("--test-signing") { Description = "Accept drivers signed with a development key (every screen says so)." };
        var command = new Command("init", "Create a machine with ControlSet001 from a manifest.") { from, policy, testSigning };
        command.SetHandler(time, (context, result) =>
        {
            var manifest = result.GetValue(from) is { } file ? MachineManifest.Load(file.FullName) : MachineManifest.Empty;
            var chosenPolicy = result.GetValue(policy) is { } text ? Enum.Parse<RecoveryPolicy>(text, ignoreCase: true) : (RecoveryPolicy?)null;
            var signing = result.GetValue(testSigning);
            var reason = result.GetValue(from) is { } source ? $"lkg init from {source.Name}" : "lkg init";
            var classic = (chosenPolicy ?? manifest.Policy) == RecoveryPolicy.Classic;
            context.Machine.Create(context.Time, hive =>
            {
                using var files = manifest.StageFiles(context.Machine.NewStagingPath, includeContent: !classic);
                hive.Write(CommandContext.Author, reason, editor =>
                {
                    manifest.ApplyTo(editor, files, includeContent: !classic);
                    if (chosenPolicy is { } chosen)
                    {
                        editor.SetValue(RecoveryOptions.KeyPath, nameof(RecoveryOptions.Policy), RegistryValue.String(chosen.ToString()));
                    }

                    if (signing)
                    {
                        editor.SetValue(KeyPath.Parse(@"Control\CI"), "TestSigning", RegistryValue.Dword(1));
                    }
                });
                var content = ContentStore.For(context.Machine, RecoveryPolicy.Classic);
                foreach (var (component, name, source) in classic ? manifest.ContentFiles : [])
                {
                    content.Push(hive, component, source, name, CommandContext.Author);
                }
            });
            return context.Report(new InitDocument(context.Machine.Root, 1), CliJson.Default.InitDocument, () =>
                context.Console.MarkupLineInterpolated($"Created the machine [bold]{context.Machine.Root}[/] with [bold]ControlSet001[/] as Default."));
        });
        return command;
    }
}
