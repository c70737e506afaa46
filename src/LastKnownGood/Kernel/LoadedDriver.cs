using LastKnownGood.Services;
using LastKnownGood.Verifier;

namespace LastKnownGood.Kernel;

/// <summary>A kernel-mode driver the kernel has loaded: its entry, its load context and its instance.</summary>
internal sealed record LoadedDriver(int Id, ServiceEntry Entry, IDriver Instance, string Version)
{
    public string Name => Entry.Name;

    /// <summary>What the verifier checks for this driver in this boot; none in safe mode.</summary>
    public VerifierFlags Verifier { get; init; }

    /// <summary>The timers the driver set and has not disposed.</summary>
    private readonly List<DriverTimer> _timers = [];

    /// <summary>Keeps <paramref name="timer"/> for <see cref="DisposeTimers"/>, and lets go of those disposed.</summary>
    public DriverTimer Keep(DriverTimer timer)
    {
        lock (_timers)
        {
            _timers.RemoveAll(t => t.IsDisposed);
            _timers.Add(timer);
        }

        return timer;
    }

    /// <summary>
    /// After the driver's Unload: disposes every timer it left set, which would otherwise go on
    /// calling into a driver that is gone; returns how many there were.
    /// </summary>
    public int DisposeTimers()
    {
        DriverTimer[] left;
        lock (_timers)
        {
            left = [.. _timers.Where(t => !t.IsDisposed)];
            _timers.Clear();
        }

        foreach (var timer in left)
        {
            timer.Dispose();
        }

        return left.Length;
    }
}
