namespace LastKnownGood.Kernel.Pool.Internal;

/// <summary>
/// The first parameters of BAD_POOL_HEADER (0x19) and BAD_POOL_CALLER (0xC2) the pool raises,
/// with the meanings Windows documents for them.
/// </summary>
internal static class PoolBugCheckSubtype
{
    /// <summary>0x19: the free-list links of a free block do not point back at it (p2 entry, p3 flink's blink, p4 blink's flink).</summary>
    public const ulong FreeListCorrupt = 0x3;

    /// <summary>0x19: two adjacent blocks' headers contradict each other (p2 one entry, p4 the other).</summary>
    public const ulong AdjacentHeadersContradict = 0x5;

    /// <summary>0x19: a free block's header was modified after it was freed, usually by an overrun of the block before it.</summary>
    public const ulong FreedHeaderModified = 0xD;

    /// <summary>0x19: the header of the block being freed is corrupt (p2 the entry, p3 the next entry).</summary>
    public const ulong HeaderCorrupt = 0x20;

    /// <summary>0x19: the data following the block being freed is corrupt: the freeing caller overran it (p2 block, p3 size, p4 value found).</summary>
    public const ulong DataFollowingBlockCorrupt = 0x21;

    /// <summary>0xC2: a zero-byte allocation (p3 pool type, p4 tag).</summary>
    public const ulong ZeroByteAllocation = 0x00;

    /// <summary>0xC2: a block freed again (p3 header contents, p4 the block's address).</summary>
    public const ulong DoubleFree = 0x07;

    /// <summary>0xC2: a block freed with a tag other than its own (p2 address, p3 allocator's tag, p4 tag used).</summary>
    public const ulong WrongTag = 0x0A;

    /// <summary>0xC2: an address freed that was never in this pool (p2 the address).</summary>
    public const ulong NotInPool = 0x42;
}
