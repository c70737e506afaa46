using LastKnownGood.Kernel;
using LastKnownGood.Services;

namespace LastKnownGood.Tests.Kernel;

/// <summary>
/// A driver's timer, disposed as its Unload disposes it: found when a Hello driver's Unload freed its
/// block while a tick already taken by the thread pool was still to free it, a double free (0xC2).
/// </summary>
public sealed class DriverTimerTests
{
    [Fact]
    public async Task Dispose_WhileItsCallbackRuns_WaitsForTheCallback_AndNoTickRunsAfterIt()
    {
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var ticks = 0;
        var finished = false;
        var timer = new DriverTimer(TimeSpan.Zero, TimeSpan.FromMilliseconds(1), () =>
        {
            if (Interlocked.Increment(ref ticks) == 1)
            {
                started.Set();
                release.Wait();
                Volatile.Write(ref finished, true);
            }
        });
        started.Wait();

        var returnedWhileTheCallbackRan = await DisposeReturnsBeforeReleaseAsync(timer, release);
        var ticksAtDispose = Volatile.Read(ref ticks);
        var finishedAtDispose = Volatile.Read(ref finished);
        await Task.Delay(50);

        Assert.False(returnedWhileTheCallbackRan, "Dispose returned while the callback still ran");
        Assert.True(finishedAtDispose);
        Assert.Equal(ticksAtDispose, Volatile.Read(ref ticks));
    }

    [Fact]
    public async Task ASecondDispose_WhileACallbackThatDisposedItStillRuns_WaitsForThatCallback()
    {
        using var disposedInCallback = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var finished = false;
        DriverTimer? timer = null;
        timer = new DriverTimer(TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), () =>
        {
            SpinWait.SpinUntil(() => Volatile.Read(ref timer) is not null);
            timer!.Dispose();
            disposedInCallback.Set();
            release.Wait();
            Volatile.Write(ref finished, true);
        });
        disposedInCallback.Wait();

        var returnedWhileTheCallbackRan = await DisposeReturnsBeforeReleaseAsync(timer, release);

        Assert.False(returnedWhileTheCallbackRan, "the second Dispose returned while the callback still ran");
        Assert.True(Volatile.Read(ref finished));
    }

    [Fact]
    public async Task TheTimersADriverLeftSet_AreDisposedAfterItsUnload_AndCounted()
    {
        var driver = new LoadedDriver(1, new ServiceEntry("Leaver", ServiceType.KernelDriver, StartType.System, ErrorControl.Normal, "Leaver"), new NullDriver(), "1.0.0");
        var ticks = 0;
        var disposedByTheDriver = driver.Keep(new DriverTimer(TimeSpan.FromHours(1), TimeSpan.FromHours(1), () => { }));
        disposedByTheDriver.Dispose();
        var left = driver.Keep(new DriverTimer(TimeSpan.Zero, TimeSpan.FromMilliseconds(5), () => Interlocked.Increment(ref ticks)));
        SpinWait.SpinUntil(() => Volatile.Read(ref ticks) > 0);

        var count = driver.DisposeTimers();
        var ticksAtUnload = Volatile.Read(ref ticks);
        await Task.Delay(50);

        Assert.Equal(1, count);
        Assert.True(left.IsDisposed);
        Assert.Equal(ticksAtUnload, Volatile.Read(ref ticks));
        Assert.Equal(0, driver.DisposeTimers());
    }

    [Fact]
    public async Task Dispose_FromItsOwnCallback_ReturnsAndStopsTheTimer()
    {
        var ticks = 0;
        var disposed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        DriverTimer? timer = null;
        timer = new DriverTimer(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), () =>
        {
            Interlocked.Increment(ref ticks);
            SpinWait.SpinUntil(() => Volatile.Read(ref timer) is not null);
            timer!.Dispose();
            disposed.TrySetResult();
        });

        await disposed.Task.WaitAsync(TimeSpan.FromMinutes(1));
        // A tick the pool took before the timer was disposed may still be finishing: then none more.
        await Task.Delay(100);
        var ticksAfterDispose = Volatile.Read(ref ticks);
        await Task.Delay(100);

        Assert.Equal(ticksAfterDispose, Volatile.Read(ref ticks));
    }

    /// <summary>Disposes <paramref name="timer"/> on another thread; whether that returned before <paramref name="release"/> let the callback end.</summary>
    private static async Task<bool> DisposeReturnsBeforeReleaseAsync(DriverTimer timer, ManualResetEventSlim release)
    {
        var disposing = Task.Run(timer.Dispose);
        var returned = await Task.WhenAny(disposing, Task.Delay(300)) == disposing;
        release.Set();
        await disposing;
        return returned;
    }

    private sealed class NullDriver : IDriver
    {
        public NtStatus DriverEntry(IDriverContext context) => NtStatus.Success;

        public void Unload()
        {
        }
    }
}
