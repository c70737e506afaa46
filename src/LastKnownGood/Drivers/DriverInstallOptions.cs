using LastKnownGood.Services;

namespace LastKnownGood.Drivers;

/// <summary>
/// How <see cref="DriverStore.Install"/> configures <c>Services\&lt;Name&gt;</c>. A setting left
/// null keeps the value an existing entry has (an upgrade keeps its start type and group), else
/// takes the default: a kernel driver (<c>Type</c> 1), Demand start, Normal error control, no group.
/// </summary>
public sealed record DriverInstallOptions
{
    public static DriverInstallOptions Default { get; } = new();

    /// <summary><see cref="ServiceType.KernelDriver"/> or <see cref="ServiceType.UserModeDriver"/>.</summary>
    public ServiceType? Type { get; init; }

    public StartType? Start { get; init; }

    public ErrorControl? ErrorControl { get; init; }

    /// <summary>The load-order group; null keeps the existing one, if any.</summary>
    public string? Group { get; init; }

    /// <summary>Installs a package that recovery quarantined all the same (<see cref="Recovery.GuardedWrite"/>).</summary>
    public bool Force { get; init; }
}
