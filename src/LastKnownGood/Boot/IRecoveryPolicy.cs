using LastKnownGood.Registry;

namespace LastKnownGood.Boot;

/// <summary>
/// A recovery policy (DESIGN §8): decides the next boot from the machine's history. The decision
/// reads, and never writes: what it decides to record (a report, a quarantine, a derived set) is in
/// the plan, and the boot manager writes it with the boot's start, in one transaction, so a boot
/// manager killed at any moment decides again the same way. The implementations are
/// <see cref="ClassicRecovery"/> and <see cref="ImprovedRecovery"/>; <see cref="RecoveryPolicies.For"/> picks one.
/// </summary>
public interface IRecoveryPolicy
{
    BootPlan Decide(RecoveryContext context);

    /// <summary>Whether a change written while a normal boot runs on the set it was derived from is applied to that boot live (DESIGN §5, §7).</summary>
    bool AppliesLive(IReadOnlyList<RegistryDifference> change);
}
