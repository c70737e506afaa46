using System.Globalization;
using LastKnownGood.Boot;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel.ServiceControl;

/// <summary>
/// One started service (DESIGN §6): it owns the service's <see cref="FailureCounter"/> and its
/// process. When the process dies after it started, and not because the boot is ending, a
/// <c>Critical</c> service is bug check 0xEF whatever its FailureActions; any other counts a
/// failure and takes the action its FailureActions give it: <c>restart</c> waits the delay on
/// the kernel's clock and starts a new process the way the first was started, readiness and
/// health checks included (a restart that fails to start is the next failure); <c>reboot</c>
/// asks the kernel to end the boot; <c>run</c> runs the command (<see cref="FailureCommand"/>);
/// <c>none</c> leaves the service stopped. Each failure and its action is one event-log line.
/// </summary>
internal sealed class ServiceSupervisor : IStartedComponent
{
    private readonly ServiceHost _host;
    private readonly Kernel _kernel;
    private readonly ServiceEntry _entry;
    private readonly ServiceProgram _program;
    private readonly FailureCounter _failures;
    private readonly CancellationTokenSource _ending = new();
    private readonly Lock _gate = new();
    private ServiceProcess? _process;
    private bool _stopping;
    private Task _supervising = Task.CompletedTask;
    private int _restarts;

    private ServiceSupervisor(ServiceHost host, Kernel kernel, ServiceEntry entry, ServiceProgram program)
    {
        _host = host;
        _kernel = kernel;
        _entry = entry;
        _program = program;
        _failures = new FailureCounter(program.Failure);
    }

    public ServiceEntry Entry => _entry;

    public string Name => _entry.Name;

    /// <summary>Its process died and its FailureActions bring it back no more this boot (<c>none</c>, <c>run</c>, a failed last restart): only a new start does.</summary>
    public bool StaysDown => _supervising.IsCompleted && !Volatile.Read(ref _stopping);

    /// <summary>How many times this boot the service was started again after a failure, whether or not that start succeeded: for <c>lkg status</c>.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>The process id of its running process; 0 while it is down (waiting to restart, or left stopped).</summary>
    public int ProcessId
    {
        get
        {
            lock (_gate)
            {
                return _process?.ProcessId ?? 0;
            }
        }
    }

    /// <summary>Starts the service's first process; on success the supervisor watches it from then on.</summary>
    public static NtStatus TryStart(ServiceHost host, Kernel kernel, ServiceEntry entry, ServiceProgram program, out ServiceSupervisor? started, out string reason)
    {
        started = null;
        var status = host.StartProcess(entry, program, CancellationToken.None, out var process, out reason);
        if (process is null)
        {
            return status;
        }

        var supervisor = started = new ServiceSupervisor(host, kernel, entry, program) { _process = process };
        supervisor._supervising = Task.Run(() => supervisor.SuperviseAsync(process));
        return status;
    }

    /// <summary>Stops its process, if one runs, and ends whatever it was doing for a failure: a restart's wait or start, a command.</summary>
    public void Stop()
    {
        ServiceProcess? process;
        lock (_gate)
        {
            _stopping = true;
            process = _process;
            _process = null;
        }

        _ending.Cancel();
        process?.Stop();
        _supervising.GetAwaiter().GetResult();
    }

    private async Task SuperviseAsync(ServiceProcess process)
    {
        while (await Task.WhenAny(process.Died, Task.Delay(Timeout.Infinite, _ending.Token)) == process.Died)
        {
            var code = process.Died.Result;
            lock (_gate)
            {
                _process = null;
            }

            // It has exited: this only closes its notify socket and its pipes.
            process.Stop();

            var death = $"{Name} (pid {process.ProcessId}) exited with code {code} after it started";
            if (_program.Critical)
            {
                _kernel.Events.Write("kernel", $"{death}; it is Critical");
                throw _kernel.BugCheck(BugCheckCode.CriticalProcessDied, (ulong)process.ProcessId, 0, (ulong)(uint)code, 0, Name, null,
                    $"{Name}, a Critical service, exited with code {code}");
            }

            if (await FailAsync(death) is not { } next)
            {
                return;
            }

            process = next;
        }
    }

    /// <summary>Counts the failure <paramref name="what"/> describes and takes its action; the service's new process, or null when it stays down.</summary>
    private async Task<ServiceProcess?> FailAsync(string what)
    {
        while (true)
        {
            var action = _failures.Fail(_kernel.Time.GetUtcNow());
            var failure = $"{what}; failure {_failures.Count}";
            _kernel.ReportComponent(Name, action.Kind == FailureActionKind.Restart ? ComponentState.Restarting : ComponentState.Failed, null, Restarts);
            switch (action.Kind)
            {
                case FailureActionKind.Reboot:
                    _kernel.Events.Write("kernel", $"{failure}: reboot");
                    _kernel.RequestReboot($"{Name} failed, and its FailureActions say reboot");
                    return null;
                case FailureActionKind.Run:
                    _kernel.Events.Write("kernel", $"{failure}: run {action.Command}");
                    await FailureCommand.RunAsync(_kernel, Name, _program, action.Command!, _failures.Count, _ending.Token);
                    return null;
                case FailureActionKind.Restart:
                    _kernel.Events.Write("kernel", string.Create(CultureInfo.InvariantCulture, $"{failure}: restart in {action.Delay.TotalSeconds:0.#} s"));
                    var (process, failed) = await RestartAsync(action.Delay);
                    if (process is not null || failed is null)
                    {
                        return process;
                    }

                    what = failed;
                    break;
                default:
                    _kernel.Events.Write("kernel", $"{failure}: none; it stays stopped");
                    return null;
            }
        }
    }

    /// <summary>The new process; or null with why it failed to start, or with null when the boot is ending.</summary>
    private async Task<(ServiceProcess? Process, string? Failure)> RestartAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _kernel.Time, _ending.Token);
        }
        catch (OperationCanceledException)
        {
            return (null, null);
        }

        Interlocked.Increment(ref _restarts);
        var status = _host.StartProcess(_entry, _program, _ending.Token, out var process, out var reason);
        if (process is null)
        {
            return (null, _ending.IsCancellationRequested ? null : $"{Name} failed to restart: {reason} ({status})");
        }

        lock (_gate)
        {
            if (!_stopping)
            {
                _process = process;
                _kernel.ReportComponent(Name, ComponentState.Running, process.ProcessId, Restarts);
                return (process, null);
            }
        }

        process.Stop();
        return (null, null);
    }
}
