using LastKnownGood.Services;

namespace LastKnownGood.Kernel;

/// <summary>A kernel-mode driver the kernel has loaded: its entry, its load context and its instance.</summary>
internal sealed record LoadedDriver(int Id, ServiceEntry Entry, IDriver Instance, string Version)
{
    public string Name => Entry.Name;
}
