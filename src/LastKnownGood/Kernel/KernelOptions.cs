using LastKnownGood.Boot;

namespace LastKnownGood.Kernel;

/// <summary>How one boot's kernel runs; the boot manager sets these, tests may too.</summary>
public sealed record KernelOptions
{
    /// <summary>The control set to boot; null: <c>Select.Default</c>, as a boot manager would pick for a normal boot.</summary>
    public int? ControlSet { get; init; }

    /// <summary>
    /// The boot's number in the machine's history, when a boot manager started this kernel: the
    /// kernel then leads its own process group, records its progress in the boot's record, and
    /// ends the group at once if the boot manager dies.
    /// </summary>
    public int? Boot { get; init; }

    /// <summary>
    /// Last Known Good: start failures follow the right-hand column of the ErrorControl table.
    /// Safe mode: only what <c>Control\SafeBoot</c> names loads.
    /// </summary>
    public BootMode Mode { get; init; } = BootMode.Normal;

    /// <summary>
    /// The write end of the boot manager's crash pipe (<see cref="Boot.CrashHandoff"/>): a bug check
    /// hands its record over it and stops the boot's process group. Null: the kernel writes the record itself.
    /// </summary>
    public int? CrashHandoff { get; init; }

    /// <summary>How long a service has to exit after SIGTERM at shutdown before it, and what it started, get SIGKILL.</summary>
    public TimeSpan ServiceStopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one driver call may run before the watchdog raises 0xEA.</summary>
    public TimeSpan WatchdogTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
