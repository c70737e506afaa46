using LastKnownGood.Recovery;

namespace LastKnownGood.Cli.Documents;

/// <summary>
/// <c>lkg status --json</c> (DESIGN §14): Select, the machine's state, its newest boot and the
/// report of its last fallback and its newest crash, besides who holds it, hive restores, test mode, damaged rows,
/// and the components of its newest boot as their kernel last reported them.
/// </summary>
internal sealed record StatusDocument(
    string Machine,
    string State,
    LockHolderDocument? Holder,
    SelectDocument Select,
    StatusBootDocument? Boot,
    RecoveryReport? LastRecovery,
    LastCrashDocument? LastCrash,
    string LastKnownGood,
    IReadOnlyList<HiveRestoreDocument> HiveRestores,
    bool TestSigning,
    IReadOnlyList<DamagedRowDocument> DamagedRows,
    IReadOnlyList<ComponentDocument> Components);

/// <summary>The machine's newest crash record, with the names <see cref="CrashDocument"/> gives the same fields: its number, time, stop code as a hex string, name, boot and the component that failed.</summary>
internal sealed record LastCrashDocument(long Id, DateTimeOffset Time, string Code, string Name, int? Boot, string? Component);

/// <summary>The process that holds the machine: a boot manager, while it runs.</summary>
internal sealed record LockHolderDocument(int Pid, DateTimeOffset? Since, string Command);

/// <summary>The machine's newest boot: its number, mode and control set.</summary>
internal sealed record StatusBootDocument(int Number, string Mode, int ControlSet);

/// <summary>A restore of the hive from its backup, and what it lost.</summary>
internal sealed record HiveRestoreDocument(DateTimeOffset Time, string Reason, IReadOnlyList<string> Lost);

/// <summary>A damaged row of the machine database, left out of what is shown.</summary>
internal sealed record DamagedRowDocument(string Table, long Id, string Problem);
