using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;

namespace LastKnownGood.Cli.Documents;

/// <summary>
/// A boot as every command that shows boots writes it: <c>lkg history --json</c> is an array of
/// these, and <c>lkg boot --json</c> lists the boots it started (DESIGN §14). A fallback boot carries
/// its recovery report ("why was I rolled back?") in <c>history</c>.
/// </summary>
internal sealed record BootDocument(
    int Number,
    int ControlSet,
    string Mode,
    string Outcome,
    bool Accepted,
    BugCheckSummary? BugCheck,
    DateTimeOffset Started,
    DateTimeOffset? Ready,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? Ended,
    string Reason,
    string? EndReason,
    RecoveryReport? Recovery)
{
    public static BootDocument From(BootRecord boot, CrashRecord? crash, RecoveryReport? recovery) => new(
        boot.Number,
        boot.ControlSet,
        BootNames.Name(boot.Mode),
        BootNames.Name(boot.Outcome),
        boot.Accepted is not null,
        crash is null ? null : BugCheckSummary.Of(crash),
        boot.Started,
        boot.Ready,
        boot.Accepted,
        boot.Ended,
        boot.Reason,
        boot.EndReason,
        recovery);
}

/// <summary><c>SYSTEM\Select</c>: the control set each of its values names, 0 for none.</summary>
internal sealed record SelectDocument(int Current, int Default, int Failed, int LastKnownGood)
{
    public static SelectDocument From(Select select) => new(select.Current, select.Default, select.Failed, select.LastKnownGood);
}

/// <summary><c>lkg boot --json</c>: how the run ended, the boots it started and Select at the end.</summary>
internal sealed record BootRunDocument(string Result, IReadOnlyList<BootDocument> Boots, SelectDocument Select);

/// <summary><c>lkg boot-ok|boot-bad --json</c>: the running boot, the word filed against it, and whether its boot manager acted on it in time.</summary>
internal sealed record BootRequestDocument(int Boot, string Request, bool Done);

/// <summary><c>lkg crash --json</c>: the boot told to crash, and its crash record once its boot manager has written one (else null).</summary>
internal sealed record ManualCrashDocument(int Boot, long? Crash);

/// <summary><c>lkg last-known-good enable|disable --json</c>: whether boots are accepted automatically (<c>enabled</c> or <c>disabled</c>).</summary>
internal sealed record LastKnownGoodDocument(string LastKnownGood);
