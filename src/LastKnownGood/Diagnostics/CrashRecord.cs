namespace LastKnownGood.Diagnostics;

/// <summary>
/// What a bug check leaves behind (DESIGN §9): the stop code and its parameters, the boot and
/// control set, the faulting component if known, the exception and its stack, and the last
/// events before the crash.
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
}
