using System.Diagnostics;

namespace LastKnownGood;

/// <summary>
/// A helper program run to its end, as lkg runs createdump, <c>lkg-host dump</c> and, in the demo,
/// itself: its standard input closed, its standard output and error read whole, and killed when it
/// runs past its time or its caller gives up. A boot's kernel is not one (<c>KernelProcess</c>).
/// </summary>
public static class HelperProcess
{
    /// <summary>How long a killed program is waited for.</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    /// <summary>How the program ended, and all it wrote.</summary>
    public sealed record Outcome(int ExitCode, string Output, string Error);

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/> and, added to this process's
    /// environment, <paramref name="environment"/>. Null when it ran past <paramref name="timeout"/>
    /// (or held its output open that long) and was killed, with what it started; when
    /// <paramref name="cancel"/> fires it is killed the same way and the wait throws.
    /// A program that cannot be started throws as <see cref="Process.Start()"/> does.
    /// </summary>
    public static async Task<Outcome?> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancel = default)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        try
        {
            // The reads too: a program it started may hold its standard output open after it ends.
            var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var error = process.StandardError.ReadToEndAsync(deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
            return new(process.ExitCode, await output, await error);
        }
        catch (OperationCanceledException)
        {
            // With what it started, and waited for, so that its caller may remove what they worked in.
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }

            await Task.WhenAny(process.WaitForExitAsync(CancellationToken.None), Task.Delay(KillWait, CancellationToken.None));
            cancel.ThrowIfCancellationRequested();
            return null;
        }
    }
}
