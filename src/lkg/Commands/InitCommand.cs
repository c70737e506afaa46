using System.CommandLine;
using LastKnownGood.Machines;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
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
            var chosenPolicy = result.GetValue(policy);
            var signing = result.GetValue(testSigning);
            var reason = result.GetValue(from) is { } source ? $"lkg init from {source.Name}" : "lkg init";
            context.Machine.Create(context.Time, hive => hive.Write(CommandContext.Author, reason, editor =>
            {
                manifest.ApplyTo(editor);
                if (chosenPolicy is not null)
                {
                    editor.SetValue(RecoveryOptions.KeyPath, "Policy", RegistryValue.String(char.ToUpperInvariant(chosenPolicy[0]) + chosenPolicy[1..]));
                }

                if (signing)
                {
                    editor.SetValue(KeyPath.Parse(@"Control\CI"), "TestSigning", RegistryValue.Dword(1));
                }
            }));
            return context.Report(new { machine = context.Machine.Root, controlSet = 1 }, () =>
                context.Console.MarkupLineInterpolated($"Created the machine [bold]{context.Machine.Root}[/] with [bold]ControlSet001[/] as Default."));
        });
        return command;
    }
}
