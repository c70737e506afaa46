using System.Diagnostics;

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
        var info = new ProcessStartInfo(program.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in program.Arguments.Concat(args))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancel);
        var error = process.StandardError.ReadToEndAsync(cancel);
        await process.WaitForExitAsync(cancel);
        await output;
        return (process.ExitCode, (await error).Trim());
    }
}
