namespace LastKnownGood.Kernel;

/// <summary>A lock handed out by the kernel; a driver's lock order is checked by the verifier (DESIGN §11).</summary>
internal sealed class KernelLock(string name) : IKernelLock
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public string Name => name;

    public NtStatus Acquire()
    {
        _semaphore.Wait();
        return NtStatus.Success;
    }

    public NtStatus Release()
    {
        if (_semaphore.CurrentCount != 0)
        {
            return NtStatus.InvalidParameter;
        }

        _semaphore.Release();
        return NtStatus.Success;
    }
}
