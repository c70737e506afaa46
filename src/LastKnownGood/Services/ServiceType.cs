namespace LastKnownGood.Services;

/// <summary><c>Type</c> of a <c>Services\&lt;Name&gt;</c> entry, with Windows' numbers.</summary>
public enum ServiceType
{
    KernelDriver = 1,

    /// <summary>A driver in a process of its own, <c>lkg-host umhost</c> (docs/user-mode-drivers.md).</summary>
    UserModeDriver = 2,

    /// <summary>Any executable in its own process.</summary>
    OwnProcess = 0x10,
}
