namespace LastKnownGood.Cli.Demo;

/// <summary>An lkg command run as a child process, as a user would type it, with its output kept out of the demo's.</summary>
internal static class LkgChild
{
    /// <summary>Runs <c>lkg <paramref name="args"/></c>; a failure is an <see cref="LkgException"/> carrying the child's own sentence.</summary>
    public static async Task RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, CancellationToken cancel)
    {
        var (exitCode, error) = await TryRunAsync(args, environment, cancel);
        if (exitCode != ExitCodes.Success)
        {
            throw new LkgException(NtStatus.Unsuccessful,
                $"The demo's throwaway machine could not be set up: lkg {string.Join(' ', args)} failed ({exitCode}): {error}");
        }
    }

    /// <summary>Runs <c>lkg <paramref name="args"/></c>; returns its exit code and what it said on standard error, trimmed.</summary>
    public static async Task<(int ExitCode, string Error)> TryRunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, CancellationToken cancel)
    {
        var program = LkgProgram.Self();
        var outcome = (await HelperProcess.RunAsync(program.FileName, [.. program.Arguments, .. args], Timeout.InfiniteTimeSpan, environment, cancel))!;
        return (outcome.ExitCode, outcome.Error.Trim());
    }
}
