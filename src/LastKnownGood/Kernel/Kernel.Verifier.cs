using LastKnownGood.Boot;
using LastKnownGood.Verifier;

namespace LastKnownGood.Kernel;

public sealed partial class Kernel
{
    /// <summary>Windows' Driver Verifier puts a verified driver's calls under a tighter deadline; ours is one second.</summary>
    internal static readonly TimeSpan VerifierWatchdogTimeout = TimeSpan.FromSeconds(1);

    private IReadOnlyDictionary<string, VerifierFlags> _verifier = new Dictionary<string, VerifierFlags>();

    /// <summary>The lock order of every driver under deadlock detection: one graph, as lock orders cross drivers.</summary>
    internal LockOrderGraph LockOrder { get; } = new();

    /// <summary><c>Control\Verifier</c> of the booted set; never in safe mode, which must boot whatever the settings.</summary>
    private void ReadVerifierSettings()
    {
        var settings = VerifierSettings.Read(_hive!, _controlSet);
        if (settings.Count == 0)
        {
            return;
        }

        if (_options.Mode is BootMode.SafeMinimal or BootMode.SafeNetwork)
        {
            Events.Write("kernel", $@"safe mode: the verifier is off; Control\Verifier names {string.Join(", ", settings.Keys)}, which run unverified in this boot.");
            return;
        }

        _verifier = settings;
        foreach (var (driver, flags) in settings)
        {
            Events.Write("kernel", $"verifier: {driver}: {flags}");
        }
    }

    /// <summary>What the verifier checks for <paramref name="driverName"/> in this boot.</summary>
    private VerifierFlags VerifierFlagsOf(string driverName) => _verifier.GetValueOrDefault(driverName);

    /// <summary>Readies the checks that must be in place before the driver's first instruction: special pool.</summary>
    private void ApplyVerifier(LoadedDriver driver)
    {
        if (driver.Verifier.HasFlag(VerifierFlags.SpecialPool))
        {
            Pool.AddSpecialPoolOwner(driver.Id);
        }
    }

    /// <summary>The deadline of one call into <paramref name="driver"/>: the kernel's, or the verifier's if that is shorter.</summary>
    private TimeSpan WatchdogDeadline(LoadedDriver driver) =>
        driver.Verifier.HasFlag(VerifierFlags.Watchdog) && VerifierWatchdogTimeout < _options.WatchdogTimeout ? VerifierWatchdogTimeout : _options.WatchdogTimeout;

    /// <summary>Pool tracking: blocks a driver still holds once its <c>Unload</c> has returned are a leak, 0xC4 p1 0x62.</summary>
    /// <exception cref="BugCheckException">The driver is under pool tracking and holds blocks.</exception>
    private void CheckPoolAtUnload(LoadedDriver driver)
    {
        if (!driver.Verifier.HasFlag(VerifierFlags.PoolTracking) || Pool.Outstanding(driver.Id) is not { Count: > 0 } leaked)
        {
            return;
        }

        var bytes = leaked.Sum(block => (long)block.Size);
        var shown = string.Join(", ", leaked.Take(5)) + (leaked.Count > 5 ? $" and {leaked.Count - 5} more" : "");
        throw new BugCheckException(BugCheckCode.DriverVerifierDetectedViolation, VerifierViolation.PoolLeakedAtUnload, (ulong)driver.Id, 0, (ulong)leaked.Count,
            $"DRIVER_VERIFIER_DETECTED_VIOLATION: {driver.Name} unloaded without freeing {leaked.Count} pool {(leaked.Count == 1 ? "allocation" : "allocations")} " +
            $"({bytes} bytes): {shown}. Free every block a driver allocated before its Unload returns.");
    }
}
