namespace LastKnownGood.Kernel;

public sealed partial class Kernel
{
    /// <summary>
    /// The driver call each thread is in, by managed thread id. The values are objects, not tuples:
    /// ReadyToRun has no code for a dictionary of tuples, which every boot compiled at run time.
    /// </summary>
    private readonly Dictionary<int, ActiveCall> _activeCalls = [];
    private static readonly TimeSpan WatchdogInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Set to stop the watchdog. Never disposed: its thread may still be waiting on it.</summary>
    private readonly ManualResetEventSlim _watchdogStop = new();

    /// <summary>
    /// The one way into driver code. An exception that escapes it is a bug check: the kernel
    /// cannot know what state the driver left shared memory in, so it does not run on.
    /// </summary>
    internal NtStatus Call(LoadedDriver driver, CallSite site, Func<NtStatus> call)
    {
        WaitIfStopping();
        var thread = Environment.CurrentManagedThreadId;
        lock (_activeCalls)
        {
            _activeCalls[thread] = new ActiveCall(driver, site, _time.GetTimestamp());
        }

        try
        {
            return call();
        }
        catch (BugCheckException e)
        {
            throw BugCheck(e.Code, e.Parameter1, e.Parameter2, e.Parameter3, e.Parameter4, driver.Name, e, e.Message);
        }
        catch (Exception e)
        {
            throw Unhandled(e, Classify(e, site), driver.Name, $"{e.GetType().Name} escaped {driver.Name} in {site}: {e.Message}");
        }
        finally
        {
            lock (_activeCalls)
            {
                _activeCalls.Remove(thread);
            }
        }
    }

    /// <summary>
    /// An exception nobody handled, as Windows lays out its parameters: for 0x50 the access
    /// (<see cref="PageFault"/>); for 0x1E and 0x7E p1 the exception code (its HRESULT) and p2 the
    /// address of the code that threw.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private Exception Unhandled(Exception e, BugCheckCode code, string? component, string message)
    {
        var (p1, p2, p3, p4) = code == BugCheckCode.PageFaultInNonpagedArea
            ? PageFault.Parameters(e)
            : ((ulong)(uint)e.HResult, PageFault.CodeAddress(new System.Diagnostics.StackTrace(e).GetFrame(0)?.GetMethod()), 0ul, 0ul);
        throw BugCheck(code, p1, p2, p3, p4, component, e, message);
    }

    /// <summary>DESIGN §9: memory faults are 0x50; other exceptions 0x7E on system threads, 0x1E elsewhere.</summary>
    internal static BugCheckCode Classify(Exception exception, CallSite site) => exception switch
    {
        IndexOutOfRangeException or ArgumentOutOfRangeException or NullReferenceException or AccessViolationException =>
            BugCheckCode.PageFaultInNonpagedArea,
        _ when site == CallSite.WorkItem => BugCheckCode.SystemThreadExceptionNotHandled,
        _ => BugCheckCode.KmodeExceptionNotHandled,
    };

    /// <summary>
    /// Every 100 ms: a driver call past its deadline is 0xEA; a protected structure changed behind
    /// the kernel's back is 0x109. The watchdog has a thread of its own: on the thread pool it
    /// would wait behind the very driver work items that hang, and a driver that takes every
    /// worker thread would silence it.
    /// </summary>
    private void StartWatchdog()
    {
        // The first sweep comes a second after the boot began, not in the middle of the drivers' start.
        _lastSweep = _time.GetTimestamp();
        new Thread(() =>
        {
            while (!_watchdogStop.Wait(WatchdogInterval))
            {
                WatchdogTick();
            }
        })
        { IsBackground = true, Name = "kernel watchdog" }.Start();
    }

    private void StopWatchdog() => _watchdogStop.Set();

    private void WatchdogTick()
    {
        (LoadedDriver Driver, CallSite Site, long Started, int Thread)? stuck = null;
        lock (_activeCalls)
        {
            foreach (var (thread, call) in _activeCalls)
            {
                if (_time.GetElapsedTime(call.Started) > WatchdogDeadline(call.Driver))
                {
                    stuck = (call.Driver, call.Site, call.Started, thread);
                }
            }
        }

        if (stuck is { } s)
        {
            throw BugCheck(BugCheckCode.ThreadStuckInDeviceDriver, (ulong)s.Thread, 0, (ulong)s.Driver.Id, 0, s.Driver.Name, null,
                $"{s.Driver.Name} has been running its {s.Site} for {_time.GetElapsedTime(s.Started).TotalSeconds:0.0} s, past the watchdog's {WatchdogDeadline(s.Driver).TotalSeconds:0.#} s.");
        }

        CheckProtectedStructures();
        SweepUnobservedTasks();
    }

    private sealed record ActiveCall(LoadedDriver Driver, CallSite Site, long Started);
}
