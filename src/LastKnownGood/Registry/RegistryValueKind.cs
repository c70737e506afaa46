namespace LastKnownGood.Registry;

/// <summary>Value types; the standard ones keep their Windows REG_* numbers.</summary>
public enum RegistryValueKind
{
    Sz = 1,
    Binary = 3,
    Dword = 4,
    MultiSz = 7,
    Qword = 11,

    /// <summary>A content file: its bytes live in the hive's blob store; the value holds hash, size and name.</summary>
    File = 0x100,
}
