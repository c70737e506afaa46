using LastKnownGood.Internal;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// One user-mode driver (<c>Type</c> 2) for a boot: its socket in the machine's <c>run/</c>
/// directory, the host process running it, and the supervision of that host. A host crash (an
/// exit, a signal, a protocol violation) takes the driver's next failure action
/// (<see cref="FailureActions.UserModeDriverDefault"/>: three restarts, then none, which
/// disables it for the boot); a <c>Critical</c> one's crash is bug check 0xEF instead. The
/// kernel and every other component run on either way.
/// </summary>
internal sealed partial class UserModeDriver : IStartedComponent
{
    private readonly Kernel _kernel;
    private readonly ServiceEntry _entry;
    private readonly UserModeDriverSettings _settings;
    private readonly TimeSpan _stopTimeout;
    private readonly FailureCounter _counter;
    private readonly UnixListener _listener;
    private readonly Thread _acceptor;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private HostProcess? _host;
    private HostProcess? _running;
    private int _crashes;
    private int _restarts;

    private UserModeDriver(Kernel kernel, ServiceEntry entry, UserModeDriverSettings settings, UnixListener listener, TimeSpan stopTimeout)
    {
        _kernel = kernel;
        _entry = entry;
        _settings = settings;
        _listener = listener;
        _stopTimeout = stopTimeout;
        _counter = new FailureCounter(settings.FailureActions);
        _acceptor = new Thread(Accept) { IsBackground = true, Name = $"umhost {entry.Name} accept" };
    }

    public ServiceEntry Entry => _entry;

    public string Name => _entry.Name;

    /// <summary>How many times the kernel has restarted this driver's host this boot.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>The running host's process id; 0 while none runs.</summary>
    public int ProcessId => Volatile.Read(ref _running)?.Pid ?? 0;

    /// <summary>Opens the driver's socket and starts its first host; the driver when DriverEntry succeeded there, else null and why.</summary>
    public static NtStatus TryStart(Kernel kernel, ServiceEntry entry, UserModeDriverSettings settings, string socketPath, TimeSpan stopTimeout,
        out UserModeDriver? started, out string reason)
    {
        started = null;
        UnixListener listener;
        try
        {
            File.Delete(socketPath);
            listener = UnixListener.Listen(socketPath, 4);
        }
        catch (IOException e)
        {
            reason = e.Message;
            return NtStatus.InsufficientResources;
        }

        var driver = new UserModeDriver(kernel, entry, settings, listener, stopTimeout);
        driver._acceptor.Start();
        var status = driver.StartHost(out reason);
        if (!status.IsSuccess)
        {
            driver.Shutdown();
            return status;
        }

        started = driver;
        return status;
    }

    /// <summary>Hands a kernel event to the running host, if it subscribed to its type, and records it for a pre-flight then.</summary>
    public void Forward(KernelEvent kernelEvent)
    {
        if (Volatile.Read(ref _running)?.Session?.Forward(kernelEvent) == true)
        {
            _kernel.Events.Record(Name, kernelEvent);
        }
    }

    public void Stop()
    {
        var host = Shutdown();
        _kernel.Events.Write("kernel", host is null ? $"stopped {Name}" : $"stopped {Name} (host pid {host.Pid})");
    }

    /// <summary>Verifies the package, starts a host and waits for DriverEntry's status, at most the start timeout.</summary>
    private NtStatus StartHost(out string reason)
    {
        var verified = _kernel.VerifyPackage(_entry, out var manifest, out var package, out reason);
        if (!verified.IsSuccess)
        {
            return verified;
        }

        HostProcess? host;
        // Under the gate: the host may connect before TryStart returns, and Accept must find it.
        lock (_gate)
        {
            host = HostProcess.TryStart(_kernel, HostProcess.ProgramOfThisKernel(), Name,
                ["--driver", Name, "--package", package, "--assembly", manifest.Assembly, "--type", manifest.Type, "--socket", _listener.Path], out reason);
            _host = host ?? _host;
        }

        if (host is null)
        {
            return NtStatus.ObjectNameNotFound;
        }

        _ = host.Exited.ContinueWith(_ => OnExited(host), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        Task.WhenAny(host.Started.Task, host.Exited, Task.Delay(_settings.StartTimeout, _kernel.Time)).Wait();
        var status = host.Started.Task.IsCompleted ? host.Started.Task.Result : host.Exited.IsCompleted ? NtStatus.ProcessAborted : NtStatus.ServiceRequestTimeout;
        reason = host.Started.Task.IsCompleted ? "DriverEntry failed in its host"
            : host.Exited.IsCompleted ? $"its host (pid {host.Pid}) ended before DriverEntry returned: {host.Violation ?? ExitDescription(host.Exited.Result)}"
            : $"DriverEntry did not return in its host within its start timeout of {_settings.StartTimeout.TotalSeconds:0.#} s";
        if (!status.IsSuccess)
        {
            host.Kill();
            return status;
        }

        lock (_gate)
        {
            Volatile.Write(ref _running, host);
        }

        reason = "";
        _kernel.Events.Write("kernel", $"started {Name} {manifest.Version} in its user-mode host (pid {host.Pid})");
        // A sensor sees each host's endpoint as it is opened, as it sees the kernel's own socket at boot.
        _kernel.Dispatch(_kernel.IpcEvent(_listener.Path, host.Pid, "accept", Name, (uint)ServiceType.UserModeDriver));
        return NtStatus.Success;
    }

    /// <summary>Ends the socket and the host: a stop request, then SIGKILL after the stop timeout. Returns the host that was running.</summary>
    private HostProcess? Shutdown()
    {
        HostProcess? host;
        lock (_gate)
        {
            _stop.Cancel();
            host = _running ?? _host;
        }

        _listener.Close();
        _acceptor.Join(_stopTimeout);
        if (host is not null && !host.Exited.IsCompleted)
        {
            host.Session?.RequestStop();
            if (!host.Exited.Wait(_stopTimeout))
            {
                host.Kill();
                host.Exited.Wait(_stopTimeout);
            }
        }

        _listener.Dispose();
        return host;
    }

    private static string ExitDescription(int code) =>
        code > 128 ? $"it was killed by signal {code - 128}" : $"it exited with code {code}";
}
