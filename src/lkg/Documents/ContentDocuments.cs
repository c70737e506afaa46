namespace LastKnownGood.Cli.Documents;

/// <summary><c>lkg content push --json</c>: the file pushed, the machine's recovery policy and where the file went.</summary>
internal sealed record ContentPushDocument(string Component, string Name, string Policy, string Where);

/// <summary>A content file, as <c>lkg content list --json</c> lists them: its name, size in bytes and SHA-256 (hex).</summary>
internal sealed record ContentFileDocument(string Name, long Size, string Sha256);

/// <summary><c>lkg content delete --json</c>: the names of the files deleted.</summary>
internal sealed record ContentDeleteDocument(IReadOnlyList<string> Deleted);
