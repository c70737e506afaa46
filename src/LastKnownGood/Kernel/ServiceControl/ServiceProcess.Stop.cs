using LastKnownGood.Internal;

namespace LastKnownGood.Kernel.ServiceControl;

internal sealed partial class ServiceProcess
{
    /// <summary>How long a stopped service's last output lines may take to reach the event log.</summary>
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(1);

    /// <summary>SIGTERM, then, after its stop timeout (as <c>EXTEND_TIMEOUT_USEC=</c> extends it), SIGKILL to it and the descendants it had.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _state = ServiceState.Stopping;
        }

        _watchdog.Dispose();
        if (_pid != 0 && !_exited.Task.IsCompleted)
        {
            var descendants = ProcessTree.DescendantsOf(_pid);
            // Set before SIGTERM: the service's EXTEND_TIMEOUT_USEC= may answer it at once.
            var deadline = _deadline = new ExtendableDeadline(_kernel.Time, _stopTimeout);
            _ = Libc.Kill(_pid, Libc.SignalTerm);
            var stopped = deadline.Wait(_exited.Task);
            foreach (var pid in stopped ? descendants : [_pid, .. descendants])
            {
                _ = Libc.Kill(pid, Libc.SignalKill);
            }

            _exited.Task.Wait(_stopTimeout);
            _kernel.Events.Write("kernel", stopped ? $"stopped {Name}" : $"stopped {Name}: killed, since it was still running {_stopTimeout.TotalSeconds:0.#} s after SIGTERM");
        }

        _notify?.Dispose();
        // Disposed under its readers, the process's pipes would fail them: a task nobody awaits, which is a bug check.
        // Left open, the pipes end with whatever still holds them, which the kernel kills at its end.
        if (Task.WhenAll(_outputEnded.Task, _errorEnded.Task).Wait(OutputDrainTimeout))
        {
            _process.Dispose();
        }
    }

    /// <summary>
    /// The watchdog expired: SIGABRT, as systemd sends, to the process and its descendants, so
    /// that it dies (a failure under its FailureActions) and leaves a core dump where the system
    /// keeps them; SIGKILL after its stop timeout to whatever ignored it.
    /// </summary>
    private void Abort(string why)
    {
        lock (_gate)
        {
            if (_state != ServiceState.Started || _exited.Task.IsCompleted)
            {
                return;
            }
        }

        _kernel.Events.Write("kernel", $"{Name} (pid {_pid}): {why}; it is sent SIGABRT");
        IReadOnlyList<int> group = [_pid, .. ProcessTree.DescendantsOf(_pid)];
        foreach (var pid in group)
        {
            _ = Libc.Kill(pid, Libc.SignalAbort);
        }

        _ = _exited.Task.WaitAsync(_stopTimeout, _kernel.Time).ContinueWith(waited =>
        {
            // Observed, so that the timeout is not an unobserved task exception, which is a bug check.
            _ = waited.Exception;
            foreach (var pid in _exited.Task.IsCompleted ? group.Skip(1) : group)
            {
                _ = Libc.Kill(pid, Libc.SignalKill);
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }
}
