namespace LastKnownGood.Cli;

/// <summary>The exit codes of DESIGN §14.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Usage = 2;
}
