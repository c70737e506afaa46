namespace LastKnownGood.Kernel;

/// <summary>Where the kernel calls into a driver; it decides which stop code an escaped exception becomes.</summary>
public enum CallSite
{
    DriverEntry,
    Unload,
    EventHandler,

    /// <summary>A work item or timer: a system thread, so an escaped exception is 0x7E.</summary>
    WorkItem,
}
