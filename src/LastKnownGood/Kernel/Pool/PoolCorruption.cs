namespace LastKnownGood.Kernel.Pool;

/// <summary>
/// The pool owners involved in a corruption the pool found (bug checks 0x19 and 0xC5): the block
/// whose header was found damaged and the block just before it in the arena, whose owner most
/// likely wrote past its end. The finder of the damage is not in here: it is whoever was calling
/// the pool, and it is usually innocent.
/// </summary>
/// <remarks>
/// Tags and owners come from the pool's own tracking, not from the damaged header, so they are
/// right even when the header's bytes are not. A null tag and owner mean the block was free (a
/// free block has no owner), or, for the preceding block, that there is none or it could not be
/// found because the headers before the damage are damaged too.
/// </remarks>
/// <param name="CorruptBlock">The address of the damaged block's data; its header is the <see cref="KernelPool.HeaderSize"/> bytes before.</param>
/// <param name="CorruptBlockTag">The damaged block's tag, or null when it was free.</param>
/// <param name="CorruptOwner">The owner of the damaged block, or null when it was free.</param>
/// <param name="PrecedingBlock">The address of the data of the block just before it, or null when none could be found.</param>
/// <param name="PrecedingBlockTag">The preceding block's tag, or null when it was free or not found.</param>
/// <param name="PrecedingOwner">The owner of the preceding block, the likely writer, or null when it was free or not found.</param>
public sealed record PoolCorruption(
    nint CorruptBlock,
    uint? CorruptBlockTag,
    int? CorruptOwner,
    nint? PrecedingBlock,
    uint? PrecedingBlockTag,
    int? PrecedingOwner)
{
    private const string DataKey = "LastKnownGood.Kernel.Pool.PoolCorruption";

    /// <summary>The corruption a pool bug check carries, or null for any other bug check.</summary>
    public static PoolCorruption? Of(BugCheckException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Data[DataKey] as PoolCorruption;
    }

    internal BugCheckException AttachTo(BugCheckException exception)
    {
        exception.Data[DataKey] = this;
        return exception;
    }

    public override string ToString()
    {
        var corrupt = $"the damaged block is 0x{CorruptBlock:X} ({Describe(CorruptBlockTag, CorruptOwner)})";
        return PrecedingBlock is { } preceding
            ? $"{corrupt}; the block before it is 0x{preceding:X} ({Describe(PrecedingBlockTag, PrecedingOwner)})"
            : $"{corrupt}; the block before it could not be found";
    }

    private static string Describe(uint? tag, int? owner) =>
        tag is { } t && owner is { } o ? $"tag '{PoolTag.Format(t)}', owner {o}" : "free";
}
