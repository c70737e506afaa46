namespace LastKnownGood.Cli.Documents;

/// <summary><c>lkg doctor --json</c>: every check with what it found (none: it passed), and how many findings ask for something to be done.</summary>
internal sealed record DoctorDocument(string Machine, string Keys, IReadOnlyList<DoctorCheckDocument> Checks, int Problems);

/// <summary>One check of <c>lkg doctor</c>: its name, whether it passed, and its findings.</summary>
internal sealed record DoctorCheckDocument(string Name, bool Ok, IReadOnlyList<DoctorFindingDocument> Findings);

/// <summary>A finding: <c>info</c>, <c>warning</c> or <c>error</c>, what is wrong and what to do.</summary>
internal sealed record DoctorFindingDocument(string Severity, string Problem, string Remedy);
