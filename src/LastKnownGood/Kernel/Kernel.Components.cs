using System.Collections.Concurrent;
using LastKnownGood.Boot;
using LastKnownGood.Internal;
using LastKnownGood.Kernel.ServiceControl;
using LastKnownGood.Registry;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel;

public sealed partial class Kernel
{
    /// <summary>Every component started this boot, in start order, less those stopped by request since: they stop in reverse. Which ones run, and which groups have a member running, is read from it.</summary>
    private readonly List<IStartedComponent> _started = [];
    private ServiceHost? _services;
    private UserModeDriverHost? _userModeDrivers;

    /// <summary>Each component's type as its reports name it, from its first report on, for the reports that name the component only.</summary>
    private readonly ConcurrentDictionary<string, string> _componentTypes = new(RegistryNames.Comparer);

    /// <summary>
    /// Starts one component of the plan by the host for its <c>Type</c> (DESIGN §6). An Auto or
    /// Demand one whose dependency is not running, because it failed to start at run time, does
    /// not start: that is its own failure, Windows' error 1068. Boot and System start drivers
    /// ignore dependencies, as in Windows.
    /// </summary>
    private NtStatus StartComponent(ServiceEntry entry, out string reason)
    {
        if (entry.Start >= StartType.Auto && DependencyNotRunning(entry) is { } missing)
        {
            reason = missing;
            return NtStatus.ServiceDependencyFail;
        }

        IComponentHost? host = entry.Type switch
        {
            ServiceType.KernelDriver => new KernelDriverHost(this),
            ServiceType.UserModeDriver => _userModeDrivers ??= new UserModeDriverHost(this, _machine.RunPath, _options.ServiceStopTimeout),
            ServiceType.OwnProcess => _services ??= StartServiceControl(),
            _ => null,
        };
        if (host is null)
        {
            reason = $"Type {(uint)entry.Type} is not a component type; use 1 (kernel driver), 2 (user-mode driver) or 16 (service)";
            return NtStatus.NotSupported;
        }

        ReportComponent(entry, ComponentState.Starting);
        var status = host.Start(entry, out var started, out reason);
        if (started is not null)
        {
            ReportComponent(entry.Name, ComponentState.Running, started.ProcessId is var pid and > 0 ? pid : null, started.Restarts);
            _started.Add(started);
        }

        return status;
    }

    private string? DependencyNotRunning(ServiceEntry entry) =>
        entry.DependOnService.Where(d => Started(d) is null).Select(d => $"it depends on {d}, which did not start").FirstOrDefault()
        ?? entry.DependOnGroup.Where(g => !_started.Any(s => RegistryNames.Comparer.Equals(s.Entry.Group, g))).Select(g => $"it depends on group {g}, of which no member started").FirstOrDefault();

    /// <summary>The component of that name started this boot (and not stopped since by request), if any.</summary>
    private IStartedComponent? Started(string name) => _started.FirstOrDefault(s => RegistryNames.Comparer.Equals(s.Name, name));

    /// <summary>
    /// The service control manager, made when the first service starts. The kernel becomes a
    /// child subreaper: what a service forks and leaves behind stays the kernel's descendant, so
    /// <see cref="KillStrays"/> finds it.
    /// </summary>
    private ServiceHost StartServiceControl()
    {
        _ = Libc.Prctl(Libc.SetChildSubreaper, 1);
        return new ServiceHost(this, _machine.RunPath, _options.ServiceStopTimeout);
    }

    /// <summary>Stops every started component in reverse start order, then ends whatever the services left behind.</summary>
    private void StopComponents()
    {
        // After a request being served: it started or stopped its service whole, and the next one finds the boot ending.
        lock (_componentsGate)
        {
            Ending = true;
        }

        foreach (var component in Enumerable.Reverse(_started))
        {
            component.Stop();
            ReportComponent(component.Name, ComponentState.Stopped);
        }

        KillStrays();
    }

    /// <summary>The number of the boot this kernel runs, when a boot manager started it.</summary>
    internal int? BootNumber => _options.Boot;

    /// <summary>
    /// Records a component's state for <c>lkg status</c> (<see cref="ComponentLog"/>): where it
    /// stands, its process (null: none now) and, when known, how often it has been restarted this
    /// boot (null: as last reported). Safe from any thread and cheap: the event log's writer
    /// writes it with the next batch. The name must have been reported with its entry first,
    /// as the start path does; a name never reported is ignored.
    /// </summary>
    internal void ReportComponent(string name, ComponentState state, int? processId = null, int? restarts = null)
    {
        if (_componentTypes.TryGetValue(name, out var type))
        {
            Events.Report(name, type, state, processId, restarts);
        }
    }

    /// <summary>The first report of a component of the plan, which says its type.</summary>
    private void ReportComponent(ServiceEntry entry, ComponentState state)
    {
        _componentTypes.TryAdd(entry.Name, TypeName(entry.Type));
        ReportComponent(entry.Name, state);
    }

    private static string TypeName(ServiceType type) => type switch
    {
        ServiceType.KernelDriver => "kernel-driver",
        ServiceType.UserModeDriver => "user-mode-driver",
        ServiceType.OwnProcess => "service",
        _ => $"type-{(uint)type}",
    };

    private readonly ManualResetEventSlim _rebootRequested = new();

    /// <summary>
    /// A service's <c>FailureActions</c> said <c>reboot</c>: the boot ends as a shutdown does, every
    /// component stopped, and the kernel exits with <see cref="KernelExitCodes.Reboot"/>, which the
    /// boot manager records as its own outcome with <paramref name="reason"/> and then boots again.
    /// </summary>
    internal void RequestReboot(string reason)
    {
        Events.Write("kernel", $"{KernelExit.RebootMarker}{reason}");
        _rebootRequested.Set();
    }

    /// <summary>The boot is ending: a service that dies from now on was ended by it, not by a fault of its own.</summary>
    internal bool Ending { get; private set; }

    /// <summary>SIGKILL to every living descendant of the kernel: no process of a boot outlives it (DESIGN §3).</summary>
    private void KillStrays()
    {
        Ending = true;
        if (_services is null)
        {
            return;
        }

        foreach (var pid in ProcessTree.DescendantsOf(Environment.ProcessId))
        {
            _ = Libc.Kill(pid, Libc.SignalKill);
            Events.Write("kernel", $"killed pid {pid}, which a service left behind");
        }
    }
}
