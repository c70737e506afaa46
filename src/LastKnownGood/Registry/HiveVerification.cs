namespace LastKnownGood.Registry;

/// <summary>How much of the hive is checked against its hashes when it is opened (docs/hive.md).</summary>
public enum HiveVerification
{
    /// <summary>
    /// Before the hive is used, every key node of the sets <c>Select</c> names is hashed and every
    /// content file's presence and size checked: what a boot runs on and a write derives from.
    /// </summary>
    SelectedSets,

    /// <summary>
    /// Only what a command reads, as it reads it: each key node on the path from a set's root
    /// (named by the set's checked record) is hashed when it is loaded, and a content file's size
    /// is checked when it is opened and its bytes when they are read. For commands that only read.
    /// </summary>
    OnRead,
}
