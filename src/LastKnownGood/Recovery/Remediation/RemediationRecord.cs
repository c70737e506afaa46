namespace LastKnownGood.Recovery.Remediation;

/// <summary>
/// One remediation package the recovery environment took (DESIGN §8): its file name, the SHA-256
/// of its archive (what it is known by), the source it came from, the safe-mode boot that took
/// it, what became of it, and the tentative control set it made when applied. <see cref="Reason"/>
/// is the package's own reason when applied, else the sentence that says why not.
/// </summary>
public sealed record RemediationRecord(string Name, string ArchiveSha256, string Source, int Boot, RemediationOutcome Outcome, int? ControlSet, string Reason)
{
    public long Id { get; init; }

    public DateTimeOffset Created { get; init; }
}

/// <summary>What became of a remediation package.</summary>
public enum RemediationOutcome
{
    /// <summary>It verified and applied: <c>Default</c> is the tentative set it made, and the next boot is normal.</summary>
    Applied,

    /// <summary>It verified, but <c>Default</c> held every change already: the machine stays in safe mode.</summary>
    Unchanged,

    /// <summary>It did not verify, or its change was refused; nothing was written.</summary>
    Refused,
}
