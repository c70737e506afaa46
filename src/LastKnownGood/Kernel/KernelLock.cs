namespace LastKnownGood.Kernel;

/// <summary>
/// A lock handed out by the kernel. Not reentrant, and any thread may release it, like a
/// semaphore. For a driver under deadlock detection every acquisition is first checked against
/// <see cref="LockOrderGraph"/>, before the thread can block; a violation is a bug check raised
/// through <paramref name="service"/>, the driver's kernel-service boundary, so the driver never
/// sees it (DESIGN §11).
/// </summary>
internal sealed class KernelLock(string name, string driverName, LockOrderGraph? order = null, Func<Func<NtStatus>, NtStatus>? service = null) : IKernelLock
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);
    private readonly Func<Func<NtStatus>, NtStatus> _service = service ?? (check => check());

    public string Name => name;

    /// <summary>The driver that created the lock, named by the bug checks about it.</summary>
    public string DriverName => driverName;

    /// <summary>The lock's number in its <see cref="LockOrderGraph"/>, 0 when its order is not checked.</summary>
    public int Number { get; } = order?.Register() ?? 0;

    /// <summary>The thread that holds the lock, while it is held under deadlock detection.</summary>
    internal int? Holder { get; set; }

    public NtStatus Acquire()
    {
        if (order is null)
        {
            _semaphore.Wait();
            return NtStatus.Success;
        }

        var thread = Environment.CurrentManagedThreadId;
        _service(() =>
        {
            order.Acquiring(this, thread);
            return NtStatus.Success;
        });
        _semaphore.Wait();
        order.Acquired(this, thread);
        return NtStatus.Success;
    }

    public NtStatus Release()
    {
        if (_semaphore.CurrentCount != 0)
        {
            return NtStatus.InvalidParameter;
        }

        order?.Released(this);
        _semaphore.Release();
        return NtStatus.Success;
    }

    public override string ToString() => $"{name} (#{Number})";
}
