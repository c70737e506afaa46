using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Registry;
using Spectre.Console;

namespace LastKnownGood.Cli;

/// <summary>Boots and crashes on screen, the same for every command that shows them (their JSON is <see cref="Documents.BootDocument"/>).</summary>
internal static class BootFormat
{
    public static string StopCode(BugCheckCode code) => StopCodeJsonConverter.Format(code);

    /// <summary>The end of the sentence of a write: what the running boot does with it, when it took it live.</summary>
    public static string TakenLive(int? boot) =>
        boot is { } live ? $", and the running boot {live} takes it now, tentative until it is accepted again." : ".";

    public static string Describe(BootRecord boot) => $"{ControlSetInfo.FormatName(boot.ControlSet)}, {BootNames.Name(boot.Mode)}";

    /// <summary>The stop screen, as Windows 10 draws it: the sad face, the stop code, what failed, and where the record is.</summary>
    public static TextPanel BlueScreen(CrashRecord crash) => new(null,
    [
        ":(", "", $"Boot {crash.Boot} ran into a problem and the machine is restarting.", "",
        $"Stop code: {crash.Name} ({StopCode(crash.Code)})",
        $"What failed: {crash.Component ?? "unknown"}",
        .. crash.Message.Split('\n'), "",
        $"Crash {crash.Id}: lkg crashes shows it; lkg analyze {crash.Id} explains it.",
    ])
    {
        Body = new Style(Color.White, Color.Blue),
        Heavy = true,
    };
}
