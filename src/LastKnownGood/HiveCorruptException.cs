namespace LastKnownGood;

/// <summary>
/// The hive's bytes do not match their hashes, or SQLite found the file damaged. A boot that
/// meets this falls back to <c>system.db.lkg</c> (see <see cref="LastKnownGood.Machines.MachineDirectory"/>).
/// </summary>
public sealed class HiveCorruptException(string message, Exception? inner = null)
    : LkgException(NtStatus.RegistryCorrupt, message, inner);
