using LastKnownGood.Services;
using LastKnownGood.Verifier;

namespace LastKnownGood.Kernel;

/// <summary>A kernel-mode driver the kernel has loaded: its entry, its load context and its instance.</summary>
internal sealed record LoadedDriver(int Id, ServiceEntry Entry, IDriver Instance, string Version)
{
    public string Name => Entry.Name;

    /// <summary>What the verifier checks for this driver in this boot; none in safe mode.</summary>
    public VerifierFlags Verifier { get; init; }
}
