using LastKnownGood.Boot;
using LastKnownGood.Registry;

namespace LastKnownGood.Recovery;

/// <summary>
/// The write path of what a person or a program writes (<c>lkg reg</c>, <c>lkg content push</c>,
/// <c>lkg service create</c>): <see cref="Hive.Write"/>, and in the same transaction what recovery
/// must know of the change and no rollback may undo (DESIGN §8, §10). A change that writes a
/// quarantined culprit again is refused, unless forced; a signing key it removes from
/// <c>Control\CI\Keys</c> is recorded as revoked, and a <c>MinimumVersion</c> it sets as a
/// component's floor. A refused write leaves the hive as it was.
/// </summary>
public static class GuardedWrite
{
    public static WriteResult Write(Hive hive, string author, string reason, Action<ControlSetEditor> edit, bool force = false) => hive.Transaction(() =>
    {
        var before = hive.ReadSelect().Default;
        var written = hive.Write(author, reason, edit);
        if (!written.Changed || before == 0)
        {
            return written;
        }

        var differences = hive.Diff(before, written.ControlSet);
        foreach (var difference in differences)
        {
            if (!force)
            {
                Quarantine.Check(hive, difference);
            }
        }

        Revocations.RecordRemoved(hive, before, written.ControlSet, reason, hive.Time.GetUtcNow());
        Floors.RecordRaised(hive, differences, reason, hive.Time.GetUtcNow());
        return written with { LiveBoot = ApplyLive(hive, before, written.ControlSet, differences) };
    });

    /// <summary>
    /// The change offered to the running boot (DESIGN §5, §7): when a normal boot runs on the set it
    /// was derived from and the policy applies such a change live, the boot runs on the new set from
    /// now on, tentative (<see cref="BootLog.RunOn"/>), and its kernel takes it up. Returns that boot.
    /// </summary>
    private static int? ApplyLive(Hive hive, int before, int after, IReadOnlyList<RegistryDifference> differences)
    {
        if (BootLog.FindRunning(hive) is not { Mode: BootMode.Normal } running || running.ControlSet != before
            || !RecoveryPolicies.For(RecoveryOptions.Read(hive, after).Policy).AppliesLive(differences))
        {
            return null;
        }

        BootLog.RunOn(hive, running.Number, after, hive.Time.GetUtcNow());
        return running.Number;
    }
}
