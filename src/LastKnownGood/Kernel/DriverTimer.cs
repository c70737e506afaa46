namespace LastKnownGood.Kernel;

/// <summary>
/// A driver's timer (<see cref="IDriverContext.SetTimer"/>), in kernel mode and in a user-mode
/// host alike. Disposing it cancels it and waits for every callback already running, as a Windows
/// driver cancels its timer and flushes its DPCs before it unloads: once <see cref="Dispose"/>
/// returns, no callback runs, so an <c>Unload</c> that disposes the timer and then frees what the
/// callbacks touch is safe. Every call waits, the first or not. From one of its own callbacks it
/// waits for the others, not for the callback it is called from.
/// </summary>
internal sealed class DriverTimer : IDisposable
{
    [ThreadStatic]
    private static DriverTimer? _inCallback;

    private readonly Timer _timer;
    private readonly object _gate = new();

    /// <summary>Callbacks in the driver's code now, and of those, how many are disposing this timer.</summary>
    private int _running;
    private int _disposingFromCallbacks;
    private bool _disposed;

    /// <summary>Runs <paramref name="tick"/> after <paramref name="dueTime"/>, then every <paramref name="period"/> (zero: once).</summary>
    public DriverTimer(TimeSpan dueTime, TimeSpan period, Action tick) =>
        _timer = new Timer(_ => Tick(tick), null, dueTime, period == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : period);

    public bool IsDisposed
    {
        get
        {
            lock (_gate)
            {
                return _disposed;
            }
        }
    }

    private void Tick(Action tick)
    {
        lock (_gate)
        {
            // A tick the thread pool took before the timer was disposed runs no driver code after it.
            if (_disposed)
            {
                return;
            }

            _running++;
        }

        var outer = _inCallback;
        _inCallback = this;
        try
        {
            tick();
        }
        finally
        {
            _inCallback = outer;
            lock (_gate)
            {
                _running--;
                Monitor.PulseAll(_gate);
            }
        }
    }

    public void Dispose()
    {
        var fromCallback = _inCallback == this;
        lock (_gate)
        {
            if (!_disposed)
            {
                _disposed = true;
                _timer.Dispose();
            }

            if (fromCallback)
            {
                _disposingFromCallbacks++;
                Monitor.PulseAll(_gate);
            }

            try
            {
                // From a callback: until every other one has ended or is disposing too. Else: until every one has ended.
                while (_running > (fromCallback ? _disposingFromCallbacks : 0))
                {
                    Monitor.Wait(_gate);
                }
            }
            finally
            {
                if (fromCallback)
                {
                    _disposingFromCallbacks--;
                }
            }
        }
    }
}
