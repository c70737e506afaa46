using LastKnownGood.Diagnostics;

namespace LastKnownGood.Cli.Documents;

/// <summary>
/// One run of <c>lkg demo notmyfault</c>: a fault, with the verifier or without, the bug check it
/// caused and what <c>lkg analyze</c> makes of it. <see cref="BugCheck"/> is null when the boot
/// ended without one (or the fault was not run), and <see cref="Note"/> then says why.
/// </summary>
/// <param name="Fault">NotMyFault's <c>Parameters\Fault</c>, such as <c>overflow</c>.</param>
/// <param name="Verifier">Whether the verifier ran on NotMyFault, with all its checks.</param>
/// <param name="BugCheck">The first boot's bug check, or null.</param>
/// <param name="Blamed">The analysis' <c>FOLLOWUP_NAME</c>: the blamed driver, else <c>MachineOwner</c>.</param>
/// <param name="Module">The analysis' <c>MODULE_NAME</c>.</param>
/// <param name="Bucket">The analysis' <c>FAILURE_BUCKET_ID</c>.</param>
/// <param name="Suspects">The drivers other than the blamed one that the evidence points at.</param>
/// <param name="Confidence">How sure the analysis is of its blame.</param>
/// <param name="Seconds">How long the boot took, from the boot manager's start to the end of the boot.</param>
/// <param name="Note">Why there is no bug check, when there is none.</param>
internal sealed record NotMyFaultRow(
    string Fault,
    bool Verifier,
    BugCheckSummary? BugCheck,
    string? Blamed,
    string? Module,
    string? Bucket,
    Confidence? Confidence,
    IReadOnlyList<Suspect> Suspects,
    double Seconds,
    string? Note);
