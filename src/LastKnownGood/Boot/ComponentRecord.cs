namespace LastKnownGood.Boot;

/// <summary>
/// One component of a boot as its kernel last reported it: its type (<c>kernel-driver</c>,
/// <c>user-mode-driver</c> or <c>service</c>), state, process id (a kernel-mode driver runs in
/// the kernel's), the time it entered that state, and how often it has been restarted this boot
/// (null in a report: unchanged since the last one).
/// </summary>
public sealed record ComponentRecord(int Boot, string Name, string Type, ComponentState State, int? ProcessId, DateTimeOffset Since, int? Restarts);
