using LastKnownGood.Recovery;

namespace LastKnownGood.Boot;

/// <summary>
/// The next boot: its mode, and why the boot manager chose it, in words. A <see cref="BootMode.Trial"/>
/// boot runs the set it derives (<see cref="Derive"/>); other modes take theirs from <c>Select</c>,
/// or, deriving one, make it <c>Default</c>.
/// <see cref="Recovery"/> is what a fallback records with the boot, in the same transaction: the
/// report that answers "why was I rolled back?", and what it quarantines.
/// </summary>
public sealed record BootPlan(BootMode Mode, string Reason)
{
    public RecoveryReport? Recovery { get; init; }

    /// <summary>
    /// A trial's: how long it must run healthy, at least, before it is accepted, whatever its set's
    /// <c>AcceptAfter</c> says: past the moment the boot that failed went down, so a fault that comes
    /// some time after the start is not missed.
    /// </summary>
    public TimeSpan? AcceptAfter { get; init; }

    /// <summary>
    /// A safe-mode boot's recovery environment (Improved, when Last Known Good failed too): the source
    /// it asks for remediation packages, and how often. Null: the boot waits for a person.
    /// </summary>
    public RemediationPlan? Remediation { get; init; }

    /// <summary>A set to derive as the boot begins, in its transaction: a bisection's trial, or its end state as the new <c>Default</c>.</summary>
    public DerivedSet? Derive { get; init; }
}

/// <summary>A control set derived from <see cref="Base"/> with <see cref="Units"/> applied, for the reason given.</summary>
public sealed record DerivedSet(int Base, string Reason, IReadOnlyList<ChangeUnit> Units);

/// <summary>Where a safe-mode boot's recovery environment asks for remediation packages (<c>Control\Recovery\RemediationSource</c>), and how often (<c>RemediationRetry</c>).</summary>
public sealed record RemediationPlan(string Source, TimeSpan Retry);
