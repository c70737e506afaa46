using LastKnownGood.Diagnostics;

namespace LastKnownGood.Cli.Documents;

/// <summary>
/// A crash record as <c>lkg crashes --json</c> and <c>lkg crashes show N --json</c> write it: the
/// fields <c>lkg history</c> shows of a crash, and the frames, last events, pool evidence and dump.
/// Stop codes and parameters are hex strings, as on every crash document.
/// </summary>
internal sealed record CrashDocument(
    long Id,
    DateTimeOffset Time,
    string Code,
    string Name,
    IReadOnlyList<string> Parameters,
    int? Boot,
    int ControlSet,
    string? Component,
    string? ExceptionType,
    string Message,
    IReadOnlyList<CrashFrame> Frames,
    IReadOnlyList<string> LastEvents,
    PoolEvidence? Pool,
    string? Dump,
    string Stack)
{
    public static CrashDocument From(CrashRecord crash) => new(
        crash.Id,
        crash.Time,
        StopCodeJsonConverter.Format(crash.Code),
        crash.Name,
        [.. crash.Parameters.Select(p => $"0x{p:X}")],
        crash.Boot,
        crash.ControlSet,
        crash.Component,
        crash.ExceptionType,
        crash.Message,
        crash.Frames,
        crash.LastEvents,
        crash.Pool,
        crash.Dump,
        crash.Stack);
}
