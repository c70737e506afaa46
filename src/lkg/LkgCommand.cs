using System.CommandLine;
using LastKnownGood.Cli.Commands;
using LastKnownGood.Cli.Documents;

namespace LastKnownGood.Cli;

/// <summary>The <c>lkg</c> command tree and its global options.</summary>
public static class LkgCommand
{
    public static readonly Option<string?> MachineOption = new("--machine")
    {
        Description = "The machine directory (default: $LKG_MACHINE, else ./machine).",
        Recursive = true,
    };

    public static readonly Option<bool> JsonOption = new("--json")
    {
        Description = "Answer in JSON.",
        Recursive = true,
    };

    public static int Run(string[] args, TimeProvider time)
    {
        var root = new RootCommand("lkg: a reliability runtime with control sets, Last Known Good and safe mode.");
        root.Options.Add(MachineOption);
        root.Options.Add(JsonOption);
        foreach (var command in (Command[])
        [
            InitCommand.Create(time),
            BootCommand.Create(time),
            StatusCommand.Create(time),
            HistoryCommand.Create(time),
            LogsCommand.Create(time),
            CrashesCommand.Create(time),
            AnalyzeCommand.Create(time),
            ControlSetCommand.Create(time),
            RegCommand.Create(time),
            VerifierCommand.Create(time),
            DriverCommand.Create(time),
            ServiceCommand.Create(time),
            ContentCommand.Create(time),
            QuarantineCommand.Create(time),
            RemediationCommand.Create(time),
            .. BootStatusCommands.Create(time),
            ShutdownCommand.Create(time),
            DoctorCommand.Create(time),
            LastKnownGoodCommand.Create(time),
            KeysCommand.Create(time),
            SignCommand.Create(time),
            DemoCommand.Create(time),
        ])
        {
            root.Subcommands.Add(command);
        }

        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            return CommandBoundary.Failed(NtStatus.InvalidParameter, ParseErrors.Describe(result), ExitCodes.Usage, JsonErrors(result));
        }

        return result.Invoke();
    }

    /// <summary>Wraps a command's work in <see cref="CommandBoundary"/>.</summary>
    internal static void SetHandler(this Command command, TimeProvider time, Func<CommandContext, ParseResult, int> work) =>
        command.SetAction(result => CommandBoundary.Run(() => work(CommandContext.From(result, time), result), JsonErrors(result)));

    /// <summary>With <c>--json</c>, a failure is also one JSON document on standard output (DESIGN §14): its status, code, sentence and exit code.</summary>
    private static Action<NtStatus, string, int>? JsonErrors(ParseResult result) =>
        result.GetValue(JsonOption)
            ? (status, message, exitCode) => CommandContext.WriteJson(
                new ErrorDocument(new ErrorDetail(status.Name ?? status.ToString(), $"0x{status.Value:X8}", message, exitCode)), CliJson.Default.ErrorDocument)
            : null;
}
