using System.Globalization;
using LastKnownGood.Boot;
using LastKnownGood.Internal;
using LastKnownGood.Kernel.ServiceControl;
using LastKnownGood.Kernel.UserMode;
using LastKnownGood.Registry;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel;

public sealed partial class Kernel
{
    /// <summary>Held while components are started or stopped after the boot's own start: a request, and the shutdown.</summary>
    private readonly Lock _componentsGate = new();

    private UnixListener? _controlSocket;

    /// <summary>
    /// Opens the control socket of a boot under a boot manager, once every component of the plan
    /// has started: <c>lkg service start|stop</c> (<see cref="ControlRequest"/>). Each connection
    /// is one request, served on a thread of its own; only the kernel's own user and root are
    /// answered (SO_PEERCRED), as the machine directory is theirs.
    /// </summary>
    private void OpenControlSocket()
    {
        if (_options.Boot is null)
        {
            return;
        }

        Directory.CreateDirectory(_machine.RunPath);
        File.Delete(_machine.ControlSocketPath);
        var listener = _controlSocket = UnixListener.Listen(_machine.ControlSocketPath, Backlog);
        new Thread(() =>
        {
            while (listener.Accept() is { } connection)
            {
                new Thread(() => Serve(connection)) { IsBackground = true, Name = "kernel control request" }.Start();
            }
        })
        { IsBackground = true, Name = "kernel control socket" }.Start();
    }

    private void CloseControlSocket() => _controlSocket?.Close();

    private void Serve(UnixConnection connection)
    {
        using var channel = new FrameChannel(connection);
        var pid = connection.PeerProcessId;
        try
        {
            if (channel.Receive() is not { } frame)
            {
                return;
            }

            var (verb, service) = ControlRequest.Read(frame);
            var reply = connection.PeerUserId is { } user && (user == 0 || user == Libc.GetEffectiveUserId())
                ? Control(verb, service)
                : new ControlReply(NtStatus.AccessDenied, 0, string.Create(CultureInfo.InvariantCulture,
                    $"The kernel takes service requests from its own user and root only; pid {pid} runs as user {connection.PeerUserId}."));
            if (!reply.Status.IsSuccess)
            {
                Events.Write("kernel", string.Create(CultureInfo.InvariantCulture, $"refused {verb.ToString().ToLowerInvariant()} {service} from pid {pid}: {reply.Message}"), EventLevel.Warning);
            }

            channel.Send(ControlRequest.Reply(frame, reply));
        }
        catch (ProtocolViolationException e)
        {
            Events.Write("kernel", string.Create(CultureInfo.InvariantCulture, $"a request on the control socket from pid {pid} is refused: {e.Message}"), EventLevel.Warning);
        }
        catch (IOException)
        {
            // The one who asked has gone; what was done stays done.
        }
    }

    private ControlReply Control(ControlVerb verb, string service)
    {
        if (!RegistryNames.TryValidateKeyName(service, out var invalid))
        {
            return new(NtStatus.ObjectNameInvalid, 0, invalid);
        }

        lock (_componentsGate)
        {
            if (Ending)
            {
                return new(NtStatus.InvalidDeviceState, 0, $"Boot {_options.Boot} is ending; no service starts or stops now.");
            }

            return verb == ControlVerb.Start ? StartOnRequest(service) : StopOnRequest(service);
        }
    }

    /// <summary>
    /// <c>lkg service start</c>, as Windows' <c>StartService</c>: a service of the running set that
    /// is not running starts, each of its <c>DependOnService</c> not running first; one running
    /// already is left as it is. A failure is the caller's, not the boot's: no ErrorControl applies.
    /// </summary>
    private ControlReply StartOnRequest(string service)
    {
        if (Started(service) is ServiceSupervisor { StaysDown: false } started)
        {
            return new(NtStatus.Success, started.ProcessId, started.ProcessId > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{started.Name} runs already (pid {started.ProcessId}).")
                : $"{started.Name} runs already; it is being restarted by its FailureActions.");
        }

        var status = StartWithDependencies(service, [], out var entry, out var reason);
        if (!status.IsSuccess)
        {
            return new(status, 0, $"{entry?.Name ?? service} did not start: {reason}.");
        }

        var process = _started.Last();
        return new(status, process.ProcessId, string.Create(CultureInfo.InvariantCulture, $"{process.Name} started (pid {process.ProcessId})."));
    }

    private NtStatus StartWithDependencies(string service, HashSet<string> starting, out ServiceEntry? entry, out string reason)
    {
        var key = WithHive((hive, set) => hive.OpenKey(set, ServicesKey.Child(service)));
        entry = null;
        if (key is null || !ServiceEntry.TryRead(service, key, out var read))
        {
            reason = key is null
                ? $@"{ControlSetInfo.FormatName(_controlSet)} has no Services\{service}; lkg service list shows the services"
                : $@"Services\{service} has no valid Type, Start and ImagePath";
            return NtStatus.ObjectNameNotFound;
        }

        entry = read;
        if (read.Type != ServiceType.OwnProcess)
        {
            reason = $"it is a {TypeName(read.Type)}, which starts with its boot; lkg service start starts services (Type 16)";
            return NtStatus.NotSupported;
        }

        if (read.Start == StartType.Disabled)
        {
            reason = $@"it is disabled (Start 4); lkg reg set SYSTEM\CurrentControlSet\Services\{read.Name} Start 3 --type dword makes it a demand-start service";
            return NtStatus.InvalidDeviceState;
        }

        if (SafeBoot.KeyFor(_options.Mode) is { } safeBoot && !SafeBoot.Allows(WithHive((hive, set) => hive.OpenKey(set, safeBoot)), read))
        {
            reason = $"this is a safe-mode boot, and {safeBoot} does not name it";
            return NtStatus.InvalidDeviceState;
        }

        starting.Add(read.Name);
        foreach (var dependency in read.DependOnService.Where(d => !IsUp(d)))
        {
            if (starting.Contains(dependency))
            {
                reason = $"it depends on {dependency}, which depends on it in turn";
                return NtStatus.ServiceDependencyFail;
            }

            if (!StartWithDependencies(dependency, starting, out _, out var why).IsSuccess)
            {
                reason = $"it depends on {dependency}, which did not start: {why}";
                return NtStatus.ServiceDependencyFail;
            }
        }

        // One down for good after its FailureActions is no longer watched: it starts again, with a new failure count.
        if (Started(read.Name) is ServiceSupervisor { StaysDown: true } down)
        {
            down.Stop();
            _started.Remove(down);
        }

        // Its group dependencies, and the start itself, as at boot.
        var started = StartComponent(read, out reason);
        if (!started.IsSuccess)
        {
            ReportComponent(read, ComponentState.Failed);
            Events.Write("kernel", $"{read.Name} failed to start: {reason} ({started})", EventLevel.Error);
        }

        return started;
    }

    /// <summary>
    /// <c>lkg service stop</c>, as Windows' <c>ControlService(STOP)</c>: a running service that no
    /// running component depends on gets SIGTERM, then SIGKILL after its stop timeout, and is no
    /// longer watched; its FailureActions do not apply. One not running is left as it is.
    /// </summary>
    private ControlReply StopOnRequest(string service)
    {
        var started = Started(service);
        if (started is null or ServiceSupervisor { StaysDown: true })
        {
            return new(NtStatus.Success, 0, $"{started?.Name ?? service} is not running.");
        }

        if (started is not ServiceSupervisor)
        {
            return new(NtStatus.NotSupported, started.ProcessId,
                $"{started.Name} is a {TypeName(started.Entry.Type)}, which stops with its boot; lkg service stop stops services (Type 16).");
        }

        var dependents = _started.Where(s => IsUp(s.Name) && s.Entry.DependOnService.Contains(started.Name, RegistryNames.Comparer)).Select(s => s.Name).ToList();
        if (dependents.Count > 0)
        {
            return new(NtStatus.InvalidDeviceState, started.ProcessId,
                $"{started.Name} cannot stop while {string.Join(", ", dependents)} depend{(dependents.Count == 1 ? "s" : "")} on it; stop {(dependents.Count == 1 ? "it" : "them")} first.");
        }

        var pid = started.ProcessId;
        started.Stop();
        _started.Remove(started);
        ReportComponent(started.Name, ComponentState.Stopped);
        var said = pid > 0 ? string.Create(CultureInfo.InvariantCulture, $"{started.Name} stopped (pid {pid}).") : $"{started.Name} stopped; it was waiting to be restarted.";
        Events.Write("kernel", $"{said[..^1]}, as lkg service stop asked");
        return new(NtStatus.Success, pid, said);
    }

    /// <summary>Started this boot and not a service down for good: a running dependency, or a running dependent.</summary>
    private bool IsUp(string name) => Started(name) is { } and not ServiceSupervisor { StaysDown: true };
}
