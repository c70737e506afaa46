using LastKnownGood.Recovery;

namespace LastKnownGood.Boot;

/// <summary>
/// The next boot: its mode, and why the boot manager chose it, in words. <see cref="ControlSet"/>
/// names the set of a <see cref="BootMode.Trial"/> boot; other modes take theirs from <c>Select</c>.
/// <see cref="Recovery"/> is what a fallback records with the boot, in the same transaction: the
/// report that answers "why was I rolled back?", and what it quarantines.
/// </summary>
public sealed record BootPlan(BootMode Mode, string Reason)
{
    public int? ControlSet { get; init; }

    public RecoveryReport? Recovery { get; init; }
}
