using System.Diagnostics;

namespace LastKnownGood;

/// <summary>
/// A helper program run to its end, as lkg runs createdump, <c>lkg-host dump</c> and, in the demo,
/// itself: its standard input closed, its standard output and error read whole, and killed when it
/// runs past its time or its caller gives up. A boot's kernel is not one (<c>KernelProcess</c>).
/// </summary>
public static class HelperProcess
{
    /// <summary>How the program ended, and all it wrote.</summary>
    public sealed record Outcome(int ExitCode, string Output, string Error);

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/> and, added to this process's
    /// environment, <paramref name="environment"/>. Null when it ran past <paramref name="timeout"/>
    /// and was killed; when <paramref name="cancel"/> fires it is killed and the wait throws.
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
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            cancel.ThrowIfCancellationRequested();
            return null;
        }

        return new(process.ExitCode, await output, await error);
    }
}
