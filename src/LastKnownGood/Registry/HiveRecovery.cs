namespace LastKnownGood.Registry;

/// <summary>What happened when a corrupt hive was replaced by its backup: why, and what was lost.</summary>
public sealed record HiveRecovery(DateTimeOffset Time, string Reason, IReadOnlyList<string> Lost);
