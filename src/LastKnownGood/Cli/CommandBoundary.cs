namespace LastKnownGood.Cli;

/// <summary>The one error boundary of every command: expected failures print one sentence and set the exit code.</summary>
public static class CommandBoundary
{
    public static int Run(Func<int> work)
    {
        try
        {
            return work();
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine(e.Message);
            return ExitCodes.Usage;
        }
        catch (LkgException e)
        {
            Console.Error.WriteLine(e.Message);
            return ExitCodes.Failed;
        }
        catch (IOException e) when (LkgException.TryFromStorage(e, "the machine directory", out var failure))
        {
            // A full disk or a read-only file system met where no part translated it: still one sentence.
            Console.Error.WriteLine(failure.Message);
            return ExitCodes.Failed;
        }
    }
}
