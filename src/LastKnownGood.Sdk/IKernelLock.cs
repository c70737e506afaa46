namespace LastKnownGood;

/// <summary>A lock created through the kernel, so lock order can be verified.</summary>
public interface IKernelLock
{
    string Name { get; }

    NtStatus Acquire();

    NtStatus Release();
}
