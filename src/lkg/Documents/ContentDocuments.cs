namespace LastKnownGood.Cli.Documents;

/// <summary>
/// <c>lkg content push --json</c>: the file pushed, the machine's recovery policy, where the file
/// went, its pre-flight (null under Classic, which runs none), and the running boot that took it
/// live (Improved), else null.
/// </summary>
internal sealed record ContentPushDocument(string Component, string Name, string Policy, string Where, PreflightDocument? Preflight, int? LiveBoot);

/// <summary>
/// A content pre-flight: <c>passed</c>, <c>not-run</c> (with why) or <c>skipped</c>
/// (<c>--no-preflight</c>); the recorded events it replayed and its time in seconds.
/// </summary>
internal sealed record PreflightDocument(string Outcome, int Events, double Seconds, string Detail);

/// <summary>A content file, as <c>lkg content list --json</c> lists them: its name, size in bytes and SHA-256 (hex).</summary>
internal sealed record ContentFileDocument(string Name, long Size, string Sha256);

/// <summary><c>lkg content delete --json</c>: the names of the files deleted.</summary>
internal sealed record ContentDeleteDocument(IReadOnlyList<string> Deleted);
