namespace LastKnownGood.Boot;

/// <summary>How a boot ended, or that it is still running (DESIGN §14, <c>lkg history</c>).</summary>
public enum BootOutcome
{
    Running,

    /// <summary>Proved healthy: its control set became Last Known Good. It stays accepted when it shuts down.</summary>
    Accepted,

    Bugcheck,

    /// <summary>A start failure that ErrorControl turns into a reboot with Last Known Good, or a failed boot.</summary>
    StartFailure,

    /// <summary>Killed from outside (<c>lkg boot-bad</c>, SIGKILL) or left behind by a boot manager that died.</summary>
    Killed,

    Shutdown,

    /// <summary>
    /// A service's <c>FailureActions</c> said <c>reboot</c>: the kernel stopped its components and
    /// exited, and the boot manager boots again. Like a shutdown, it is not a failed boot.
    /// </summary>
    Reboot,
}
