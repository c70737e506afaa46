namespace LastKnownGood.Kernel;

/// <summary>The first parameters of DRIVER_VERIFIER_DETECTED_VIOLATION (0xC4) the kernel raises, as Windows documents them.</summary>
internal static class VerifierViolation
{
    /// <summary>A driver is unloading without freeing its pool allocations (p2 the driver, p4 how many blocks).</summary>
    public const ulong PoolLeakedAtUnload = 0x62;

    /// <summary>Deadlock detection: a thread acquires a lock it already holds (a self-deadlock).</summary>
    public const ulong LockAcquiredRecursively = 0x1000;

    /// <summary>Deadlock detection: a lock hierarchy violation, two locks taken in both orders.</summary>
    public const ulong LockHierarchyViolation = 0x1001;
}
