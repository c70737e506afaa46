using System.Runtime.CompilerServices;
using LastKnownGood.Registry;

namespace LastKnownGood.Kernel;

public sealed partial class Kernel
{
    private readonly Dictionary<string, List<Subscription>> _dispatch = new(StringComparer.Ordinal);
    private int? _sealedFingerprint;

    /// <summary>Registers a driver's handler for a kernel event type.</summary>
    internal NtStatus Subscribe(LoadedDriver driver, string eventType, Action<KernelEvent> handler)
    {
        lock (_dispatch)
        {
            CheckProtectedStructures();
            if (!_dispatch.TryGetValue(eventType, out var handlers))
            {
                _dispatch[eventType] = handlers = [];
            }

            handlers.Add(new(driver, handler));
            if (_sealedFingerprint is not null)
            {
                _sealedFingerprint = Fingerprint();
            }
        }

        return NtStatus.Success;
    }

    /// <summary>
    /// Delivers an event to every subscribed driver (or only to <paramref name="component"/>), each
    /// through the exception boundary, and records it for each driver before its handler runs, so
    /// the event a driver fails on is one a pre-flight of its next content replays.
    /// </summary>
    public void Dispatch(KernelEvent kernelEvent, string? component = null)
    {
        List<Subscription> handlers;
        lock (_dispatch)
        {
            CheckProtectedStructures();
            handlers = _dispatch.TryGetValue(kernelEvent.Type, out var list)
                ? [.. list.Where(h => component is null || RegistryNames.Comparer.Equals(h.Driver.Name, component))]
                : [];
        }

        for (var i = 0; i < handlers.Count; i++)
        {
            var (driver, handler) = handlers[i];
            if (handlers.FindIndex(h => h.Driver == driver) == i)
            {
                Events.Record(driver.Name, kernelEvent);
            }

            Call(driver, CallSite.EventHandler, () =>
            {
                handler(kernelEvent);
                return NtStatus.Success;
            });
        }

        _userModeDrivers?.Dispatch(kernelEvent, component);
    }

    /// <summary>Records the shape of the loaded-driver list and the dispatch table as the kernel left them.</summary>
    private void SealProtectedStructures()
    {
        lock (_dispatch)
        {
            _sealedFingerprint = Fingerprint();
        }
    }

    /// <summary>
    /// Kernel patch protection: the loaded-driver list and the event dispatch table change only
    /// through the kernel. A change behind its back (a driver writing kernel memory) is 0x109.
    /// </summary>
    private void CheckProtectedStructures()
    {
        lock (_dispatch)
        {
            if (_sealedFingerprint is { } sealedValue && Fingerprint() != sealedValue)
            {
                throw BugCheck(BugCheckCode.CriticalStructureCorruption, 0, 0, 0, 0, null, null,
                    "The loaded-driver list or the event dispatch table was modified outside the kernel.");
            }
        }
    }

    private int Fingerprint()
    {
        var hash = new HashCode();
        hash.Add(RuntimeHelpers.GetHashCode(_drivers));
        foreach (var driver in _drivers)
        {
            hash.Add(RuntimeHelpers.GetHashCode(driver));
        }

        hash.Add(RuntimeHelpers.GetHashCode(_dispatch));
        foreach (var (type, handlers) in _dispatch)
        {
            hash.Add(type);
            hash.Add(RuntimeHelpers.GetHashCode(handlers));
            foreach (var (driver, handler) in handlers)
            {
                hash.Add(RuntimeHelpers.GetHashCode(driver));
                hash.Add(RuntimeHelpers.GetHashCode(handler));
            }
        }

        return hash.ToHashCode();
    }

    /// <summary>A driver's handler for one event type. A class, not a tuple: LINQ and lists over a tuple are compiled just in time at every start.</summary>
    private sealed record Subscription(LoadedDriver Driver, Action<KernelEvent> Handler);
}
