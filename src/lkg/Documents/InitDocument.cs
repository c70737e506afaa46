namespace LastKnownGood.Cli.Documents;

/// <summary><c>lkg init --json</c>: the machine directory created, and its first control set.</summary>
internal sealed record InitDocument(string Machine, int ControlSet);
