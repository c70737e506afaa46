namespace LastKnownGood.Kernel.ServiceControl;

/// <summary>
/// A service's watchdog (systemd's <c>WatchdogSec=</c>): once armed, when the service has
/// started, each <c>WATCHDOG=1</c> must come within the timeout of the one before, or
/// <c>onExpired</c> is called, once, with why. The timeout is the service's
/// <c>WatchdogTimeout</c> until it sends <c>WATCHDOG_USEC=</c>; none: nothing is watched.
/// Thread-safe: the notify socket's reader pings it, a timer of the kernel's clock expires it.
/// </summary>
internal sealed class ServiceWatchdog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Action<string> _onExpired;
    private readonly ITimer _timer;
    private TimeSpan? _timeout;
    private bool _armed;
    private bool _done;

    public ServiceWatchdog(TimeProvider time, TimeSpan? timeout, Action<string> onExpired)
    {
        _timeout = timeout;
        _onExpired = onExpired;
        _timer = time.CreateTimer(_ => Expire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The service has started: from now on it must ping.</summary>
    public void Arm()
    {
        lock (_gate)
        {
            _armed = true;
            Restart();
        }
    }

    /// <summary><c>WATCHDOG=1</c>.</summary>
    public void Ping()
    {
        lock (_gate)
        {
            if (_armed)
            {
                Restart();
            }
        }
    }

    /// <summary><c>WATCHDOG_USEC=</c>: the timeout from now on, counted from now; zero turns the watchdog off.</summary>
    public void SetTimeout(TimeSpan timeout)
    {
        lock (_gate)
        {
            _timeout = timeout > TimeSpan.Zero ? timeout : null;
            if (_armed)
            {
                Restart();
            }
        }
    }

    /// <summary><c>WATCHDOG=trigger</c>: a watchdog failure now, armed or not.</summary>
    public void Trigger() => Expire("it sent WATCHDOG=trigger");

    public void Dispose()
    {
        lock (_gate)
        {
            _done = true;
        }

        _timer.Dispose();
    }

    private void Restart() => _timer.Change(_done ? Timeout.InfiniteTimeSpan : _timeout ?? Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    private void Expire()
    {
        TimeSpan? timeout;
        lock (_gate)
        {
            timeout = _timeout;
        }

        Expire($"it sent no WATCHDOG=1 within its watchdog timeout of {timeout?.TotalSeconds:0.###} s");
    }

    private void Expire(string why)
    {
        lock (_gate)
        {
            if (_done)
            {
                return;
            }

            _done = true;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        _onExpired(why);
    }
}
