using LastKnownGood.Services;

namespace LastKnownGood.Kernel;

/// <summary>User-mode drivers (<c>Type</c> 2): <c>lkg umhost</c> is not built yet, so each one is a start failure that says so.</summary>
internal sealed class UserModeDriverHost : IComponentHost
{
    public NtStatus Start(ServiceEntry entry, out IStartedComponent? started, out string reason)
    {
        started = null;
        reason = "user-mode drivers (Type 2) are not supported yet; install it as a kernel-mode driver (lkg driver install PACKAGE --mode kernel)";
        return NtStatus.NotSupported;
    }
}
