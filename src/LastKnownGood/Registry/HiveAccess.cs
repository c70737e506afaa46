namespace LastKnownGood.Registry;

/// <summary>What a command opening the hive means to do with it.</summary>
public enum HiveAccess
{
    /// <summary>Reads and writes; a hive of an older schema is migrated first (after a copy is kept).</summary>
    ReadWrite,

    /// <summary>
    /// Only reads (status, history, crashes, reg query, controlset, analyze, content list,
    /// verifier query): a hive of an older schema is refused with what to run to migrate it, and
    /// nothing is written.
    /// </summary>
    ReadOnly,
}
