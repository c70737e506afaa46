namespace LastKnownGood.Cli;

/// <summary>
/// The one error boundary of every command: an expected failure prints one sentence on standard
/// error and sets the exit code (a usage error 2, a failed operation 1); the report,
/// when given (<c>--json</c>), also receives the failure's status, sentence and exit code.
/// </summary>
public static class CommandBoundary
{
    public static int Run(Func<int> work, Action<NtStatus, string, int>? report = null)
    {
        try
        {
            return work();
        }
        catch (UsageException e)
        {
            return Failed(NtStatus.InvalidParameter, e.Message, ExitCodes.Usage, report);
        }
        catch (LkgException e)
        {
            return Failed(e.Status, e.Message, ExitCodes.Failed, report);
        }
        catch (IOException e) when (LkgException.TryFromStorage(e, "the machine directory", out var failure))
        {
            // A full disk or a read-only file system met where no part translated it: still one sentence.
            return Failed(failure.Status, failure.Message, ExitCodes.Failed, report);
        }
    }

    /// <summary>Says a failure: the sentence on standard error, and to <paramref name="report"/>; returns its exit code.</summary>
    public static int Failed(NtStatus status, string message, int exitCode, Action<NtStatus, string, int>? report)
    {
        Console.Error.WriteLine(message);
        report?.Invoke(status, message, exitCode);
        return exitCode;
    }
}
