namespace LastKnownGood.Boot;

/// <summary>Where one component of a boot stands, as its kernel last reported it (systemd's active states, in Windows' words).</summary>
public enum ComponentState
{
    /// <summary>Its host is starting it.</summary>
    Starting,

    /// <summary>Started, and not stopped since.</summary>
    Running,

    /// <summary>It failed to start, or died after it started.</summary>
    Failed,

    /// <summary>Stopped at the end of its boot, or by the boot's end.</summary>
    Stopped,

    /// <summary>Failed too often: its failure actions gave up on it for this boot.</summary>
    Disabled,

    /// <summary>Died, and waits for its failure action's restart.</summary>
    Restarting,
}
