namespace LastKnownGood.Kernel.Pool;

/// <summary>A block still allocated, as pool tracking reports it: where it is, how big, its tag and its owner.</summary>
/// <param name="Address">The address <see cref="KernelPool.Allocate"/> returned (the block's data).</param>
/// <param name="Size">The size the owner asked for, in bytes.</param>
/// <param name="Tag">The tag it was allocated with (<see cref="PoolTag.Format"/> prints it).</param>
/// <param name="OwnerId">The owner that allocated it.</param>
public sealed record PoolAllocation(nint Address, int Size, uint Tag, int OwnerId)
{
    public override string ToString() => $"0x{Address:X} ({Size} bytes, tag '{PoolTag.Format(Tag)}', owner {OwnerId})";
}
