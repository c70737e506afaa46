namespace LastKnownGood.Kernel;

/// <summary>
/// A bug check raised by kernel code (the pool, the kernel's own checks). The kernel's boundary
/// turns it into a crash record and ends the process; driver code never sees it.
/// </summary>
public sealed class BugCheckException(BugCheckCode code, ulong p1, ulong p2, ulong p3, ulong p4, string message) : Exception(message)
{
    public BugCheckCode Code { get; } = code;

    public ulong Parameter1 { get; } = p1;

    public ulong Parameter2 { get; } = p2;

    public ulong Parameter3 { get; } = p3;

    public ulong Parameter4 { get; } = p4;
}
