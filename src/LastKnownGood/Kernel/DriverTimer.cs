namespace LastKnownGood.Kernel;

/// <summary>
/// A driver's timer (<see cref="IDriverContext.SetTimer"/>), in kernel mode and in a user-mode
/// host alike. Disposing it cancels it and waits for a callback already running, as a Windows
/// driver cancels its timer and flushes its DPCs before it unloads: once <see cref="Dispose"/>
/// returns, the callback never runs again, so an <c>Unload</c> that disposes the timer and then
/// frees what the callback touches is safe. Disposed from its own callback, it cancels without
/// waiting for itself.
/// </summary>
internal sealed class DriverTimer : IDisposable
{
    [ThreadStatic]
    private static DriverTimer? _inCallback;

    private readonly Timer _timer;
    private int _disposed;

    /// <summary>Runs <paramref name="tick"/> after <paramref name="dueTime"/>, then every <paramref name="period"/> (zero: once).</summary>
    public DriverTimer(TimeSpan dueTime, TimeSpan period, Action tick) =>
        _timer = new Timer(_ => Tick(tick), null, dueTime, period == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : period);

    private void Tick(Action tick)
    {
        // A tick the thread pool took before the timer was disposed runs no driver code after it.
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
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
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_inCallback == this)
        {
            _timer.Dispose();
            return;
        }

        using var done = new ManualResetEvent(false);
        if (_timer.Dispose(done))
        {
            done.WaitOne();
        }
    }
}
