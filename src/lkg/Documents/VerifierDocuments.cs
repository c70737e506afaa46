using LastKnownGood.Verifier;

namespace LastKnownGood.Cli.Documents;

/// <summary><c>lkg verifier query --json</c>: the drivers under the verifier in <c>Default</c>, and their checks.</summary>
internal sealed record VerifierQueryDocument(int ControlSet, IReadOnlyList<VerifierDriverDocument> Drivers);

/// <summary><c>lkg verifier enable|disable --json</c>: the write, and the driver's checks after it.</summary>
internal sealed record VerifierWriteDocument(int ControlSet, bool Changed, VerifierDriverDocument Driver);

/// <summary>A driver and which of the verifier's checks are on for it.</summary>
internal sealed record VerifierDriverDocument(string Name, bool SpecialPool, bool PoolTracking, bool Deadlock, bool Watchdog)
{
    public static VerifierDriverDocument From(string driver, VerifierFlags flags) => new(
        driver,
        flags.HasFlag(VerifierFlags.SpecialPool),
        flags.HasFlag(VerifierFlags.PoolTracking),
        flags.HasFlag(VerifierFlags.Deadlock),
        flags.HasFlag(VerifierFlags.Watchdog));
}
