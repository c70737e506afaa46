namespace LastKnownGood.Cli.Documents;

/// <summary><c>lkg shutdown --json</c>: the boot that was shut down, and its outcome as its boot manager recorded it.</summary>
internal sealed record ShutdownDocument(int Boot, string Outcome);
