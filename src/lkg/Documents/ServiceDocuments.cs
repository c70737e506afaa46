namespace LastKnownGood.Cli.Documents;

/// <summary><c>lkg service list --json</c>: one service of the <c>Default</c> set, its start type and error control as words, and its command line.</summary>
internal sealed record ServiceSummaryDocument(string Name, string Start, string ErrorControl, string Command);

/// <summary>
/// <c>lkg service show NAME --json</c>: the service as the kernel will run it (its command line,
/// working directory, readiness), every value of its key, its health checks and its tracked files.
/// </summary>
internal sealed record ServiceDocument(
    string Name,
    int ControlSet,
    string Start,
    string ErrorControl,
    string Command,
    string WorkingDirectory,
    bool Notify,
    double StartTimeoutSeconds,
    IReadOnlyList<ValueDocument> Values,
    IReadOnlyList<HealthCheckDocument> HealthChecks,
    IReadOnlyList<ValueDocument> TrackedFiles);

/// <summary>One <c>Health\&lt;Check&gt;</c> of a service: its kind (<c>http</c>, <c>tcp</c>, <c>command</c>, or <c>invalid</c>), target, whether it is Required, and its timeout.</summary>
internal sealed record HealthCheckDocument(string Name, string Kind, string Target, bool Required, double TimeoutSeconds);

/// <summary><c>lkg service start|stop NAME --json</c>: what was asked, the service's process (null: none now) and the kernel's sentence.</summary>
internal sealed record ServiceControlDocument(string Name, string Action, int? ProcessId, string Message);
