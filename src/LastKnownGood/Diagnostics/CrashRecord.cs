namespace LastKnownGood.Diagnostics;

/// <summary>
/// What a bug check leaves behind (DESIGN §9): the stop code and its parameters, the boot and
/// control set, the faulting component if known, the exception, its stack as text and as
/// structured frames, the last events before the crash, the pool evidence, and the dump.
/// </summary>
public sealed record CrashRecord(
    DateTimeOffset Time,
    BugCheckCode Code,
    IReadOnlyList<ulong> Parameters,
    int? Boot,
    int ControlSet,
    string? Component,
    string? ExceptionType,
    string Message,
    string Stack,
    IReadOnlyList<string> LastEvents)
{
    /// <summary>The record's number in the machine's crash log; 0 before it is stored.</summary>
    public long Id { get; init; }

    public string Name => BugCheckCodes.Name(Code);

    /// <summary>The faulting thread's frames, top first; empty when no stack was captured (a kernel that died without a record).</summary>
    public IReadOnlyList<CrashFrame> Frames { get; init; } = [];

    /// <summary>The pool blocks involved, for pool bug checks (0x19, 0xC2, 0xC5, 0xD6); else null.</summary>
    public PoolEvidence? Pool { get; init; }

    /// <summary>The process dump's file name in the machine's <c>dumps/</c>, when one was written.</summary>
    public string? Dump { get; init; }
}
