namespace LastKnownGood.Kernel;

public sealed partial class Kernel
{
    /// <summary>How often the watchdog collects garbage, so that a faulted task nobody awaited is seen within a second.</summary>
    private static readonly TimeSpan UnobservedTaskSweep = TimeSpan.FromSeconds(1);

    private long _lastSweep;

    /// <summary>
    /// DESIGN §9: no exception escapes unseen. One that escapes a thread a driver started, its
    /// own thread-pool work or its own timer reaches the runtime's last chance handler; one in a
    /// task nobody awaited surfaces when the task is collected. Both are bug check 0x7E naming the
    /// driver whose load context holds the frames (0x50 for a memory fault); with no driver frame,
    /// the kernel's own code failed, and the bug check names the kernel.
    /// </summary>
    private void WatchForUnhandledExceptions()
    {
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            var exception = e.ExceptionObject as Exception ?? new InvalidOperationException($"A non-exception object was thrown: {e.ExceptionObject}");
            throw Escaped(exception, "a thread");
        };
        TaskScheduler.UnobservedTaskException += (_, e) =>
            throw Escaped(e.Exception.InnerExceptions is [var only] ? only : e.Exception, "a task nobody awaited");
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private Exception Escaped(Exception exception, string where)
    {
        var driver = CrashStack.DriverOf(exception);
        return Unhandled(exception, Classify(exception, CallSite.WorkItem), driver,
            $"{exception.GetType().Name} escaped {where} of {driver ?? "the kernel"}: {exception.Message}");
    }

    /// <summary>Called by the watchdog: a collection finalizes faulted tasks that nobody will await, which raises their exceptions.</summary>
    private void SweepUnobservedTasks()
    {
        if (_time.GetElapsedTime(_lastSweep) >= UnobservedTaskSweep)
        {
            _lastSweep = _time.GetTimestamp();
            GC.Collect();
        }
    }
}
