namespace LastKnownGood.Kernel.ServiceControl;

/// <summary>
/// A service's start or stop timeout, which <c>EXTEND_TIMEOUT_USEC=</c> moves to that long from
/// now when that is later (sd_notify(3): an extension never shortens the timeout). Thread-safe:
/// the notify socket's reader extends it while the kernel waits on it.
/// </summary>
internal sealed class ExtendableDeadline(TimeProvider time, TimeSpan timeout)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _end = time.GetUtcNow() + timeout;
    private TaskCompletionSource _extended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Moves the deadline to <paramref name="extension"/> from now, unless it is later already.</summary>
    public void ExtendFromNow(TimeSpan extension)
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            var end = time.GetUtcNow() + extension;
            if (end <= _end)
            {
                return;
            }

            _end = end;
            woken = _extended;
            _extended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        woken.TrySetResult();
    }

    /// <summary>Blocks until one of <paramref name="tasks"/> has completed (true) or the deadline, as extended meanwhile, has passed (false).</summary>
    public bool Wait(params Task[] tasks)
    {
        while (true)
        {
            TimeSpan remaining;
            Task extended;
            lock (_gate)
            {
                remaining = _end - time.GetUtcNow();
                extended = _extended.Task;
            }

            if (tasks.Any(t => t.IsCompleted))
            {
                return true;
            }

            if (remaining <= TimeSpan.Zero)
            {
                return false;
            }

            using var cancel = new CancellationTokenSource();
            Task.WaitAny([.. tasks, extended, Task.Delay(remaining, time, cancel.Token)]);
            cancel.Cancel();
        }
    }
}
