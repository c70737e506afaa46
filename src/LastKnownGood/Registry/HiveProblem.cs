namespace LastKnownGood.Registry;

/// <summary>Which part of the hive a problem of <see cref="Hive.CheckForBackup"/> is in.</summary>
public enum HiveProblemKind
{
    /// <summary>The database file itself: SQLite's integrity check.</summary>
    Database,

    /// <summary>A set <c>Select</c> names: its record or its hash tree.</summary>
    ControlSet,

    /// <summary>A sealed row (a boot, a crash, a report) that does not match its check, and is left out.</summary>
    Row,
}

/// <summary>A problem the hive's full check found, and what it is in words.</summary>
public sealed record HiveProblem(HiveProblemKind Kind, string Text)
{
    public override string ToString() => Text;
}
