using LastKnownGood.Boot;
using LastKnownGood.Kernel.ServiceControl;
using LastKnownGood.Recovery;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel.UserMode;

internal sealed partial class UserModeDriver
{
    /// <summary>How long a host whose connection ended may take to exit on its own before the kernel kills it.</summary>
    private static readonly TimeSpan ExitGrace = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Takes connections to the driver's socket. Only the host the kernel started may connect, by
    /// the pid the operating system recorded at connect(2) (SO_PEERCRED), and only once per host;
    /// anyone else is refused and logged.
    /// </summary>
    private void Accept()
    {
        while (_listener.Accept() is { } connection)
        {
            var pid = connection.PeerProcessId;
            HostProcess? host;
            lock (_gate)
            {
                host = _host;
            }

            var channel = new FrameChannel(connection);
            var session = host is null || host.Pid != pid ? null
                : new HostSession(_kernel, Name, channel, status => host.Started.TrySetResult(status), (why, violation) => OnSessionEnded(host, why, violation));
            if (session is null || !host!.TryAttach(session))
            {
                _kernel.Events.Write("kernel", $"{Name}: refused a connection to its host socket from pid {pid}, which is not its host{(host is null ? "" : $" (pid {host.Pid})")} or came after the host's own");
                channel.Dispose();
                continue;
            }

            session.Start();
        }
    }

    /// <summary>
    /// A connection that ends while its host runs is a crash of the host, whatever the host does
    /// next: the kernel ends it. A host that is dying closes its connection as it exits, so one
    /// that closed it without a protocol violation is given <see cref="ExitGrace"/> to exit, and
    /// its crash is then told by its exit code.
    /// </summary>
    private void OnSessionEnded(HostProcess host, string why, bool violation)
    {
        if (_stop.IsCancellationRequested || _kernel.Ending || host.Exited.IsCompleted || (!violation && host.Exited.Wait(ExitGrace)))
        {
            return;
        }

        host.Violation = why;
        _kernel.Events.Write("kernel", $"{Name}'s host (pid {host.Pid}): {why}; the kernel ends it");
        host.Kill();
    }

    private void OnExited(HostProcess host)
    {
        host.Session?.Close();
        lock (_gate)
        {
            if (_running != host || _stop.IsCancellationRequested || _kernel.Ending)
            {
                return;
            }

            Volatile.Write(ref _running, null);
            _crashes++;
        }

        var why = host.Violation ?? ExitDescription(host.Exited.Result);
        _kernel.Events.Write("kernel", $"{Name}'s host (pid {host.Pid}) crashed: {why}");
        Failed(host.Pid, host.Exited.Result, why);
    }

    /// <summary>One more failure: a Critical driver's is bug check 0xEF; any other's takes its next failure action.</summary>
    private void Failed(int pid, int exitCode, string why)
    {
        if (_settings.Critical)
        {
            throw _kernel.BugCheck(BugCheckCode.CriticalProcessDied, (ulong)pid, 0, (ulong)(uint)exitCode, 0, Name, null,
                $"{Name}, a Critical user-mode driver, failed: {why}");
        }

        FailureAction action;
        lock (_gate)
        {
            action = _counter.Fail(_kernel.Time.GetUtcNow());
        }

        if (action.Kind == FailureActionKind.Reboot)
        {
            _kernel.ReportComponent(Name, ComponentState.Failed, null, Restarts);
            _kernel.RequestReboot($"{Name} failed, and its FailureActions say reboot");
            return;
        }

        if (action.Kind == FailureActionKind.Run)
        {
            // As a service's: the command runs (a program of the driver's, in / with the kernel's environment), and the driver stays down.
            _kernel.Events.Write("kernel", $"{Name}: failure {_counter.Count}: run {action.Command}");
            _ = FailureCommand.RunAsync(_kernel, Name, new ServiceProgram(_entry.ImagePath), action.Command!, _counter.Count, _stop.Token);
        }

        if (action.Kind != FailureActionKind.Restart)
        {
            Disable();
            return;
        }

        _kernel.ReportComponent(Name, ComponentState.Restarting, null, Restarts);

        _kernel.Events.Write("kernel", $"restarting {Name}{(action.Delay > TimeSpan.Zero ? $" in {action.Delay.TotalSeconds:0.###} s" : "")} (failure {_counter.Count} of its FailureActions)");
        _ = Task.Delay(action.Delay, _kernel.Time, _stop.Token)
            .ContinueWith(_ => Restart(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void Restart()
    {
        lock (_gate)
        {
            if (_stop.IsCancellationRequested || _kernel.Ending)
            {
                return;
            }

            _restarts++;
        }

        var status = StartHost(out var reason);
        if (!status.IsSuccess)
        {
            lock (_gate)
            {
                _crashes++;
            }

            _kernel.Events.Write("kernel", $"{Name} failed to restart: {reason} ({status})");
            Failed(_host?.Pid ?? 0, _host?.Exited.IsCompleted == true ? _host.Exited.Result : 0, reason);
            return;
        }

        _kernel.ReportComponent(Name, ComponentState.Running, ProcessId, Restarts);
    }

    private void Disable()
    {
        _kernel.ReportComponent(Name, ComponentState.Disabled, null, Restarts);
        _kernel.Events.Write("kernel", $"{Name} disabled after {_crashes} {(_crashes == 1 ? "crash" : "crashes")}; it stays down for the rest of this boot");
        var held = _kernel.WithHive((hive, set) => Quarantine.HoldNewestContent(hive, Name, set, _kernel.BootNumber, $"{Name}'s host crashed {_crashes} times on boot {_kernel.BootNumber}", "kernel", _kernel.Time.GetUtcNow()));
        _kernel.Events.Write("kernel", held.Count == 0
            ? $"{Name}: no change to its content in the control sets kept, so nothing to quarantine"
            : $"{Name}: quarantined {string.Join(", ", held.Select(h => $"{h.Name} (entry {h.Id})"))} and put back the content before it for the next boot");
    }
}
