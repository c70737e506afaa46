using LastKnownGood.Internal;
using LastKnownGood.Kernel.ServiceControl;
using LastKnownGood.Registry;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel;

public sealed partial class Kernel
{
    /// <summary>Every component started this boot, in start order: they stop in reverse.</summary>
    private readonly List<IStartedComponent> _started = [];
    private readonly HashSet<string> _running = new(RegistryNames.Comparer);
    private readonly HashSet<string> _runningGroups = new(RegistryNames.Comparer);
    private ServiceHost? _services;
    private UserModeDriverHost? _userModeDrivers;

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
            ServiceType.UserModeDriver => _userModeDrivers ??= new UserModeDriverHost(this, Path.Combine(_machine.Root, "run"), _options.ServiceStopTimeout),
            ServiceType.OwnProcess => _services ??= StartServiceControl(),
            _ => null,
        };
        if (host is null)
        {
            reason = $"Type {(uint)entry.Type} is not a component type; use 1 (kernel driver), 2 (user-mode driver) or 16 (service)";
            return NtStatus.NotSupported;
        }

        var status = host.Start(entry, out var started, out reason);
        if (started is not null)
        {
            _started.Add(started);
            _running.Add(entry.Name);
            if (entry.Group is { } group)
            {
                _runningGroups.Add(group);
            }
        }

        return status;
    }

    private string? DependencyNotRunning(ServiceEntry entry) =>
        entry.DependOnService.Where(d => !_running.Contains(d)).Select(d => $"it depends on {d}, which did not start").FirstOrDefault()
        ?? entry.DependOnGroup.Where(g => !_runningGroups.Contains(g)).Select(g => $"it depends on group {g}, of which no member started").FirstOrDefault();

    /// <summary>
    /// The service control manager, made when the first service starts. The kernel becomes a
    /// child subreaper: what a service forks and leaves behind stays the kernel's descendant, so
    /// <see cref="KillStrays"/> finds it.
    /// </summary>
    private ServiceHost StartServiceControl()
    {
        _ = Libc.Prctl(Libc.SetChildSubreaper, 1);
        return new ServiceHost(this, Path.Combine(_machine.Root, "run"), _options.ServiceStopTimeout);
    }

    /// <summary>Stops every started component in reverse start order, then ends whatever the services left behind.</summary>
    private void StopComponents()
    {
        Ending = true;
        foreach (var component in Enumerable.Reverse(_started))
        {
            component.Stop();
        }

        KillStrays();
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
