namespace LastKnownGood.Boot;

/// <summary>How much an event log line matters (docs/event-log.md says which lines get which).</summary>
public enum EventLevel
{
    /// <summary>What happened: the kernel's progress, and every line a driver or service prints.</summary>
    Info,

    /// <summary>Something went wrong and the boot goes on.</summary>
    Warning,

    /// <summary>A failure: a component that failed to start, a bug check, a kernel that died.</summary>
    Error,
}
