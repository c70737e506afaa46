using LastKnownGood.Services;

namespace LastKnownGood.Kernel;

/// <summary>Kernel-mode drivers (<c>Type</c> 1): verified, loaded into their own load context in the kernel, and called behind its boundary.</summary>
internal sealed class KernelDriverHost(Kernel kernel) : IComponentHost
{
    public NtStatus Start(ServiceEntry entry, out IStartedComponent? started, out string reason)
    {
        var status = kernel.StartDriver(entry, out var driver, out reason);
        started = driver is null ? null : new Started(kernel, driver);
        return status;
    }

    private sealed class Started(Kernel kernel, LoadedDriver driver) : IStartedComponent
    {
        public ServiceEntry Entry => driver.Entry;

        public int ProcessId => Environment.ProcessId;

        public void Stop() => kernel.Unload(driver);
    }
}
