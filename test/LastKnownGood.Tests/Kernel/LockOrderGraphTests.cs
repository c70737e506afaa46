using LastKnownGood.Kernel;

namespace LastKnownGood.Tests.Kernel;

/// <summary>Deadlock detection's lock order, through real <see cref="KernelLock"/>s on real threads.</summary>
public sealed class LockOrderGraphTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly LockOrderGraph _order = new();

    [Fact]
    public void Acquire_InTheOppositeOrderOfAnEarlierAcquisition_IsAHierarchyViolation_EvenWithoutAnotherThread()
    {
        var (a, b) = (Lock("A"), Lock("B"));
        TakeInOrder(a, b);
        b.Acquire();

        var bugCheck = Assert.Throws<BugCheckException>(() => a.Acquire());

        Assert.Equal((BugCheckCode.DriverVerifierDetectedViolation, 0x1001ul, (ulong)a.Number, (ulong)b.Number),
            (bugCheck.Code, bugCheck.Parameter1, bugCheck.Parameter2, bugCheck.Parameter3));
        Assert.Contains("Driver acquires the lock A (#1) while holding B (#2), but A (#1) → B (#2) was taken in that order before", bugCheck.Message);
    }

    [Fact]
    public void Acquire_ClosingALongerCycle_NamesThePath()
    {
        var (a, b, c) = (Lock("A"), Lock("B"), Lock("C"));
        TakeInOrder(a, b);
        TakeInOrder(b, c);
        c.Acquire();

        var bugCheck = Assert.Throws<BugCheckException>(() => a.Acquire());

        Assert.Equal(0x1001ul, bugCheck.Parameter1);
        Assert.Contains("A (#1) → B (#2) → C (#3)", bugCheck.Message);
    }

    [Fact]
    public void Acquire_InOneOrderOnEveryThread_IsNeverAViolation()
    {
        var (a, b, c) = (Lock("A"), Lock("B"), Lock("C"));
        TakeInOrder(a, b);
        OnAnotherThread(() => TakeInOrder(b, c));
        OnAnotherThread(() => TakeInOrder(a, c));

        TakeInOrder(a, b);
    }

    [Fact]
    public void Acquire_OfALockTheThreadHolds_IsASelfDeadlock()
    {
        var a = Lock("A");
        a.Acquire();

        var bugCheck = Assert.Throws<BugCheckException>(() => a.Acquire());

        Assert.Equal((BugCheckCode.DriverVerifierDetectedViolation, 0x1000ul, (ulong)a.Number), (bugCheck.Code, bugCheck.Parameter1, bugCheck.Parameter2));
    }

    [Fact]
    public void Release_OnAnotherThread_TakesTheLockOffTheHoldersList()
    {
        var a = Lock("A");
        a.Acquire();
        OnAnotherThread(() => Assert.Equal(NtStatus.Success, a.Release()));

        Assert.Equal(NtStatus.Success, a.Acquire());
    }

    [Fact]
    public void Acquire_ByTwoThreadsInvertingTheOrderAtOnce_IsCaughtOnceBeforeEitherBlocksForGood()
    {
        var (a, b) = (Lock("A"), Lock("B"));
        using var bothHoldOne = new Barrier(2);
        var violations = 0;
        void Take(KernelLock first, KernelLock second)
        {
            first.Acquire();
            bothHoldOne.SignalAndWait();
            try
            {
                second.Acquire();
                second.Release();
            }
            catch (BugCheckException e) when (e.Parameter1 == 0x1001)
            {
                Interlocked.Increment(ref violations);
            }

            first.Release();
        }

        var one = new Thread(() => Take(a, b));
        var other = new Thread(() => Take(b, a));
        one.Start();
        other.Start();

        Assert.True(one.Join(Timeout) && other.Join(Timeout), "the thread that was not stopped gets its second lock once the other lets go");
        Assert.Equal(1, violations);
    }

    [Fact]
    public void Acquire_OfLocksOutsideDeadlockDetection_IsNotChecked()
    {
        var (a, b) = (new KernelLock("A", "Driver"), new KernelLock("B", "Driver"));
        TakeInOrder(a, b);

        TakeInOrder(b, a);

        Assert.Equal(0, a.Number);
    }

    private KernelLock Lock(string name) => new(name, "Driver", _order);

    /// <summary>Runs <paramref name="work"/> on a thread of its own and waits, boundedly, rethrowing what it threw.</summary>
    private static void OnAnotherThread(Action work)
    {
        Exception? thrown = null;
        var thread = new Thread(() =>
        {
            try
            {
                work();
            }
            catch (Exception e)
            {
                thrown = e;
            }
        });
        thread.Start();
        Assert.True(thread.Join(Timeout), "the other thread finished");
        if (thrown is not null)
        {
            throw new InvalidOperationException("The other thread failed.", thrown);
        }
    }

    private static void TakeInOrder(KernelLock first, KernelLock second)
    {
        Assert.Equal(NtStatus.Success, first.Acquire());
        Assert.Equal(NtStatus.Success, second.Acquire());
        second.Release();
        first.Release();
    }
}
