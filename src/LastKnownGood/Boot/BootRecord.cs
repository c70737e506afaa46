namespace LastKnownGood.Boot;

/// <summary>One boot in the machine's history: where and how it ran, and how it ended.</summary>
public sealed record BootRecord(int Number, int ControlSet, BootMode Mode, DateTimeOffset Started)
{
    public BootOutcome Outcome { get; init; } = BootOutcome.Running;

    /// <summary>The kernel's process id (and process group) while it runs.</summary>
    public int? KernelProcessId { get; init; }

    /// <summary>When every component had started.</summary>
    public DateTimeOffset? Ready { get; init; }

    public DateTimeOffset? Accepted { get; init; }

    public DateTimeOffset? Ended { get; init; }

    /// <summary>An explicit <c>lkg boot-ok</c> / <c>ReportBootOk()</c>, or <c>lkg boot-bad</c>, not yet acted on.</summary>
    public BootRequest? Request { get; init; }

    /// <summary>The boot ended asking for Last Known Good: a Severe or Critical start failure, or <c>lkg boot-bad</c>.</summary>
    public bool AskedForLastKnownGood { get; init; }

    /// <summary>The crash record of a boot that bug-checked or died.</summary>
    public long? CrashId { get; init; }

    /// <summary>Why the boot manager chose this boot, in words.</summary>
    public string Reason { get; init; } = "";

    /// <summary>How the boot ended, in words; null while it runs.</summary>
    public string? EndReason { get; init; }

    public bool IsSafeMode => Mode is BootMode.SafeMinimal or BootMode.SafeNetwork;

    /// <summary>A failed boot (DESIGN §8): it ended badly before it was accepted. A clean shutdown is not one.</summary>
    public bool Failed => Accepted is null && Outcome is BootOutcome.Bugcheck or BootOutcome.StartFailure or BootOutcome.Killed;
}
