using LastKnownGood.Services;

namespace LastKnownGood.Kernel;

/// <summary>A component that has started this boot; the kernel stops them in reverse start order at shutdown.</summary>
internal interface IStartedComponent
{
    /// <summary>Its entry as it was started: its name, type, group and dependencies.</summary>
    ServiceEntry Entry { get; }

    string Name => Entry.Name;

    /// <summary>Its process: a service's own, the kernel's for a kernel-mode driver; 0 when it has none now.</summary>
    int ProcessId => 0;

    /// <summary>How often its failure actions have restarted it this boot.</summary>
    int Restarts => 0;

    /// <summary>Stops the component: a driver is unloaded; a service gets SIGTERM, then SIGKILL after the stop timeout.</summary>
    void Stop();
}
