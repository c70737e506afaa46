namespace LastKnownGood.Cli;

/// <summary>The one error boundary of every command: expected failures print one sentence and set the exit code.</summary>
internal static class CommandBoundary
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
    }
}
