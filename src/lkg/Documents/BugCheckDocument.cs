namespace LastKnownGood.Cli.Documents;

/// <summary>A stop code as the demo documents write it: <c>"0x00000050"</c> and its name.</summary>
internal sealed record BugCheckDocument(string Code, string Name);
