using System.Diagnostics;

namespace LastKnownGood.Kernel.ServiceControl;

/// <summary>
/// <c>/bin/sh -c COMMAND</c> with no input and its output collected, ended with its process
/// tree at a deadline: a health check's <c>Command</c> and the <c>run/</c> failure action.
/// </summary>
internal static class ShellCommand
{
    /// <summary>
    /// Runs <paramref name="command"/>, after <paramref name="prepare"/> has set its environment and
    /// working directory, and returns its exit code and what it printed (standard error, then
    /// standard output, trimmed). At <paramref name="deadline"/> it is killed with its process
    /// tree and <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The shell cannot be started (a working directory that does not exist).</exception>
    public static async Task<(int ExitCode, string Output)> RunAsync(string command, Action<ProcessStartInfo>? prepare, CancellationToken deadline)
    {
        var info = new ProcessStartInfo("/bin/sh", ["-c", command])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        prepare?.Invoke(info);
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(deadline);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            // The reads end with the pipes; a failed one must not surface later as an unobserved task, which is a bug check.
            _ = Task.WhenAll(output, error).ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }

        return (process.ExitCode, $"{await error}{await output}".Trim());
    }
}
