using LastKnownGood.Services;

namespace LastKnownGood.Kernel;

/// <summary>
/// Starts the components of one <c>Type</c> (DESIGN §6): kernel-mode drivers in the kernel's
/// process, services as its child processes. The kernel picks the host by the entry's type and
/// has no other way to start a component.
/// </summary>
internal interface IComponentHost
{
    /// <summary>
    /// Starts <paramref name="entry"/> and returns once it has started or failed. Never throws for
    /// a failure of the component: a failed start is an error status and a sentence saying why.
    /// </summary>
    NtStatus Start(ServiceEntry entry, out IStartedComponent? started, out string reason);
}
