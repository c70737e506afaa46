using System.Globalization;
using LastKnownGood.Registry;

namespace LastKnownGood.Machines;

/// <summary>
/// Replaces a damaged hive by the backup taken at the last accepted boot (RegBack), keeping
/// the damaged file beside it for analysis and recording what the backup does not hold.
/// </summary>
internal static class HiveRestore
{
    public static Hive FromBackup(MachineDirectory machine, HiveCorruptException damage, TimeProvider time)
    {
        if (!File.Exists(machine.BackupPath))
        {
            throw new HiveCorruptException(
                $"{damage.Message.TrimEnd('.')}, and there is no backup ({Path.GetFileName(machine.BackupPath)}) to fall back to; restore the machine directory from your own backup or create it again with lkg init.",
                damage);
        }

        // Swapping files under a running boot manager would pull the hive from under it.
        using var machineLock = MachineLock.TryAcquire(machine.LockPath, "restoring the hive from its backup", time, out var held, out var holder)
            ? held
            : throw new HiveCorruptException(
                $"{damage.Message.TrimEnd('.')}; {holder} holds the machine and must stop before the hive can be restored from its backup.", damage);

        var restored = machine.HivePath + ".restore";
        File.Copy(machine.BackupPath, restored, overwrite: true);
        var lost = new List<string>();
        try
        {
            using (var backup = Hive.Open(restored, time))
            {
                lost.AddRange(DescribeLoss(machine.HivePath, backup));
            }
        }
        catch (LkgException backupFailure)
        {
            // A backup of a schema this lkg does not use is no more usable than a damaged one.
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(restored + suffix);
            }

            throw new HiveCorruptException(
                $"{damage.Message.TrimEnd('.')}, and its backup is {(backupFailure is HiveCorruptException ? "damaged too" : "not usable either")} ({backupFailure.Message.TrimEnd('.')}); restore the machine directory from your own backup or create it again with lkg init.",
                damage);
        }

        var kept = $"{machine.HivePath}.corrupt-{time.GetUtcNow():yyyyMMddTHHmmssfff}";
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            if (File.Exists(machine.HivePath + suffix))
            {
                File.Move(machine.HivePath + suffix, kept + suffix);
            }
        }

        File.Move(restored, machine.HivePath);
        var hive = Hive.Open(machine.HivePath, time);
        hive.RecordRecovery(new HiveRecovery(time.GetUtcNow(),
            $"{damage.Message.TrimEnd('.')}; restored from {Path.GetFileName(machine.BackupPath)}, the damaged hive is kept as {Path.GetFileName(kept)}.",
            lost));
        return hive;
    }

    /// <summary>What the damaged hive held that the backup does not, as far as it can still be read.</summary>
    private static IEnumerable<string> DescribeLoss(string damagedPath, Hive backup)
    {
        var salvaged = Hive.Salvage(damagedPath);
        if (salvaged is null)
        {
            return ["The damaged hive cannot be read at all: any change made after the backup is lost."];
        }

        var backupSets = backup.ListControlSets().ToDictionary(s => s.Id, s => s.Root);
        var lost = salvaged.Value.ControlSets
            .Where(s => !backupSets.TryGetValue(s.Id, out var root) || root != s.Root)
            .Select(s => $"{s.Name} ({s.Reason}, {s.Author}, {s.Created.ToString("u", CultureInfo.InvariantCulture)})")
            .ToList();
        var before = salvaged.Value.Select;
        var after = backup.ReadSelect();
        if (before is { } select && select != after)
        {
            lost.Add($"Select was Current={select.Current} Default={select.Default} Failed={select.Failed} LastKnownGood={select.LastKnownGood}; the backup has Current={after.Current} Default={after.Default} Failed={after.Failed} LastKnownGood={after.LastKnownGood}.");
        }

        return lost;
    }
}
