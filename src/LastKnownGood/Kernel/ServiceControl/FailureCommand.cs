using System.ComponentModel;
using System.Globalization;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel.ServiceControl;

/// <summary>
/// The <c>run/&lt;command&gt;</c> failure action (Windows' SC_ACTION_RUN_COMMAND): <c>/bin/sh -c</c>
/// with the service's environment and working directory, and the failure's number in
/// <see cref="CountVariable"/>. What it prints goes to the event log under the service's name;
/// it is killed with its process tree after <see cref="Timeout"/>, or when the boot ends.
/// </summary>
internal static class FailureCommand
{
    public const string CountVariable = "LKG_FAILURE_COUNT";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(Kernel kernel, string service, ServiceProgram program, string command, int failures, CancellationToken ending)
    {
        using var timeout = new CancellationTokenSource(Timeout, kernel.Time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, ending);
        string ended;
        try
        {
            var (exitCode, output) = await ShellCommand.RunAsync(command, info =>
            {
                ServiceEnvironment.Apply(info, program);
                info.Environment[CountVariable] = failures.ToString(CultureInfo.InvariantCulture);
            }, deadline.Token);
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                kernel.Events.Write(service, line.TrimEnd('\r'));
            }

            ended = $"exited with code {exitCode}";
        }
        catch (OperationCanceledException)
        {
            ended = ending.IsCancellationRequested ? "was killed, since the boot is ending" : $"was killed, since it was still running after {Timeout.TotalSeconds:0} s";
        }
        catch (Win32Exception e)
        {
            ended = $"cannot be run from {program.WorkingDirectory}: {e.Message}";
        }

        kernel.Events.Write("kernel", $"{service}: its failure command {ended}");
    }
}
