using System.CommandLine;
using LastKnownGood.Boot;
using LastKnownGood.Cli.Documents;
using Spectre.Console;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg last-known-good disable|enable</c>: the <c>NtDisableLastKnownGood</c> /
/// <c>NtEnableLastKnownGood</c> analogue. While disabled, no boot is accepted automatically.
/// </summary>
internal static class LastKnownGoodCommand
{
    public static Command Create(TimeProvider time)
    {
        var command = new Command("last-known-good", "Suspend or resume automatic acceptance of boots.");
        command.Subcommands.Add(Create(time, enabled: false));
        command.Subcommands.Add(Create(time, enabled: true));
        return command;
    }

    private static Command Create(TimeProvider time, bool enabled)
    {
        var command = new Command(enabled ? "enable" : "disable",
            enabled ? "Resume automatic acceptance." : "Suspend automatic acceptance until enabled again; lkg boot-ok still accepts.");
        command.SetHandler(time, (context, _) =>
        {
            using var hive = context.OpenHive();
            BootLog.SetLastKnownGoodEnabled(hive, enabled);
            return context.Report(new LastKnownGoodDocument(enabled ? "enabled" : "disabled"), CliJson.Default.LastKnownGoodDocument, () => context.Console.MarkupLine(Markup.Escape(enabled
                ? "Automatic acceptance is on: healthy boots become Last Known Good."
                : "Automatic acceptance is suspended: only lkg boot-ok accepts a boot until lkg last-known-good enable.")));
        });
        return command;
    }
}
