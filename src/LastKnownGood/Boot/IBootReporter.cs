using LastKnownGood.Diagnostics;
using LastKnownGood.Recovery.Remediation;

namespace LastKnownGood.Boot;

/// <summary>
/// What the boot manager tells the world as boots go by: the terminal today, a fleet service
/// later (DESIGN §15). Implementations must not throw; they run on the boot manager's thread.
/// </summary>
public interface IBootReporter
{
    /// <summary>A boot that a previous boot manager left running was closed as killed.</summary>
    void Recovered(BootRecord boot);

    void Starting(BootRecord boot);

    /// <summary>Every component of the boot has started.</summary>
    void Ready(BootRecord boot);

    void Accepted(BootRecord boot);

    /// <param name="boot">The boot, with its outcome.</param>
    /// <param name="crash">Its crash record, when it bug-checked or died.</param>
    void Ended(BootRecord boot, CrashRecord? crash);

    /// <summary>Something went wrong that does not stop the machine, such as a failed hive backup.</summary>
    void Warning(string message);

    /// <summary>Safe mode is up, and its recovery environment asks <paramref name="source"/> for a remediation package every <paramref name="retry"/>.</summary>
    void Remediating(BootRecord boot, string source, TimeSpan retry);

    /// <summary>The recovery environment took a remediation package: applied (the next boot runs its set), unchanged, or refused.</summary>
    void Remediated(RemediationRecord remediation);

    /// <summary>Recovery has run out: the machine waits, in safe mode or stopped, for a person.</summary>
    void Halted(string reason);
}
