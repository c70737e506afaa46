namespace LastKnownGood;

/// <summary>
/// A block of the kernel's shared pool. Like memory in kernel mode, it is not bounds-checked:
/// writing past <see cref="Size"/> overwrites whatever lies next in the pool, and the damage is
/// found later, by whoever touches it. Under the verifier's special pool the block sits against
/// guard memory and such a write is caught at once.
/// </summary>
public abstract class PoolBlock
{
    public abstract int Size { get; }

    public abstract uint Tag { get; }

    /// <summary>Copies <paramref name="data"/> to the block at <paramref name="offset"/>.</summary>
    public abstract void Write(int offset, ReadOnlySpan<byte> data);

    /// <summary>Copies from the block at <paramref name="offset"/> into <paramref name="destination"/>.</summary>
    public abstract void Read(int offset, Span<byte> destination);
}
