namespace LastKnownGood.Cli.Documents;

/// <summary>What <c>--json</c> prints on standard output when a command fails: <c>{"error": {…}}</c>.</summary>
internal sealed record ErrorDocument(ErrorDetail Error);

/// <summary>A failure: its status's name (<c>STATUS_…</c>, <c>ERROR_…</c>), its code as hex, the sentence standard error also has, and the exit code (1 failed, 2 usage).</summary>
internal sealed record ErrorDetail(string Status, string Code, string Message, int ExitCode);
