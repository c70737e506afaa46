namespace LastKnownGood.Boot;

/// <summary>How a boot manager run ended.</summary>
public enum BootRunResult
{
    /// <summary>The <c>--until</c> condition was met.</summary>
    Reached,

    /// <summary>Stopped by SIGINT or SIGTERM; the machine was shut down cleanly.</summary>
    Stopped,

    /// <summary><c>lkg shutdown</c> asked for it; the machine was shut down cleanly.</summary>
    ShutDown,

    /// <summary><c>--timeout</c> passed first.</summary>
    TimedOut,

    /// <summary><c>--until accepted</c> cannot be met: the machine halted, waiting for a person.</summary>
    Halted,
}
