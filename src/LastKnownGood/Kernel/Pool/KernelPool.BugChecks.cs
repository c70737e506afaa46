using LastKnownGood.Kernel.Pool.Internal;

namespace LastKnownGood.Kernel.Pool;

/// <summary>The bug checks the pool raises, with Windows' parameters and a message that says what to do next.</summary>
public sealed partial class KernelPool
{
    /// <summary>Pool work is done under a spin lock in Windows: the IRQL 0xC5 reports is DISPATCH_LEVEL.</summary>
    private const ulong DispatchLevel = 2;

    private const string OverrunAdvice =
        "Pool damage is found by whoever next touches the damaged block, not by the code that caused it: " +
        "suspect the owner of the block before it, and run that driver with special pool " +
        "(lkg verifier enable <driver> --special-pool) to catch the write as it happens.";

    private static BugCheckException NotInPool(PoolBlock block, int ownerId)
    {
        var address = block is KernelPoolBlock other ? (ulong)other.Address : 0;
        var what = block is KernelPoolBlock ? $"block 0x{address:X}, which belongs to another pool" : $"a {block.GetType().Name} the pool never handed out";
        return new BugCheckException(BugCheckCode.BadPoolCaller, PoolBugCheckSubtype.NotInPool, address, 0, 0,
            $"BAD_POOL_CALLER: owner {ownerId} freed {what}. Free only blocks that AllocatePool returned.");
    }

    private BugCheckException DoubleFree(KernelPoolBlock block, int ownerId) =>
        new(BugCheckCode.BadPoolCaller, PoolBugCheckSubtype.DoubleFree, 0, block.IsSpecialPool ? 0 : Header(block.HeaderOffset).Contents, (ulong)block.Address,
            $"BAD_POOL_CALLER: owner {ownerId} freed block {block} a second time. " +
            "Drop a block's reference when freeing it, and make sure only one component frees it.");

    private static BugCheckException WrongTag(KernelPoolBlock block, uint tag, int ownerId) =>
        new(BugCheckCode.BadPoolCaller, PoolBugCheckSubtype.WrongTag, (ulong)block.Address, block.Tag, tag,
            $"BAD_POOL_CALLER: owner {ownerId} freed block {block} with tag '{PoolTag.Format(tag)}'. " +
            "Free a block with the tag it was allocated with; a different tag usually means the block belongs to another component.");

    private static BugCheckException ZeroByteAllocation(uint tag, int ownerId) =>
        new(BugCheckCode.BadPoolCaller, PoolBugCheckSubtype.ZeroByteAllocation, 0, 0, tag,
            $"BAD_POOL_CALLER: owner {ownerId} asked for a zero-byte allocation tagged '{PoolTag.Format(tag)}'. Allocate at least one byte.");

    private BugCheckException BadPoolHeader(ulong subtype, ulong p2, ulong p3, ulong p4, int corruptOffset, int? precedingOffset, string finding)
    {
        var corruption = Describe(corruptOffset, precedingOffset);
        var exception = new BugCheckException(BugCheckCode.BadPoolHeader, subtype, p2, p3, p4,
            $"BAD_POOL_HEADER: {finding}. In the pool, {corruption}. {OverrunAdvice}");
        return corruption.AttachTo(exception);
    }

    private BugCheckException CorruptedExpool(int corruptOffset, int ownerId, string finding)
    {
        var corruption = Describe(corruptOffset, precedingOffset: null);
        var exception = new BugCheckException(BugCheckCode.DriverCorruptedExpool, EntryAddress(corruptOffset), DispatchLevel, (ulong)PoolAccess.Read, 0,
            $"DRIVER_CORRUPTED_EXPOOL: an allocation by owner {ownerId} found the pool block 0x{DataAddress(corruptOffset):X} damaged: {finding}. " +
            $"In the pool, {corruption}. {OverrunAdvice}");
        return corruption.AttachTo(exception);
    }

    /// <summary>
    /// 0xD6 carries the overrun block as its <see cref="PoolCorruption"/> with no preceding block:
    /// nothing was damaged, and the block's owner is the culprit, not a suspect.
    /// </summary>
    private static BugCheckException BeyondEndOfAllocation(KernelPoolBlock block, int offset, int length, PoolAccess access)
    {
        var fault = offset < 0 || offset >= block.Size ? block.Address + offset : block.Address + block.Size;
        var evidence = new PoolCorruption(block.Address, block.Tag, block.OwnerId, null, null, null);
        return evidence.AttachTo(new BugCheckException(BugCheckCode.DriverPageFaultBeyondEndOfAllocation, (ulong)fault, (ulong)access, 0, 0,
            $"DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION: owner {block.OwnerId} {Verb(access)} {length} bytes at offset {offset} of its " +
            $"{block.Size}-byte special pool block 0x{block.Address:X} (tag '{PoolTag.Format(block.Tag)}'), reaching 0x{fault:X}, outside the allocation. " +
            "Special pool stopped the access before it damaged anything: the owner of this block is the culprit; fix its bounds."));
    }

    /// <summary>Windows raises 0xD5 for this; the SDK has no such code, and 0x50 is what an access to unmapped memory is.</summary>
    private static BugCheckException FreedSpecialPoolAccess(KernelPoolBlock block, int offset, int length, PoolAccess access) =>
        new(BugCheckCode.PageFaultInNonpagedArea, (ulong)(block.Address + offset), (ulong)access, 0, 0,
            $"PAGE_FAULT_IN_NONPAGED_AREA: owner {block.OwnerId} {Verb(access)} {length} bytes at offset {offset} of its special pool block " +
            $"0x{block.Address:X} (tag '{PoolTag.Format(block.Tag)}') after freeing it; the block's pages are inaccessible. " +
            "Drop a block's reference when freeing it.");

    private BugCheckException PageFault(KernelPoolBlock block, int offset, int length, long faultOffset, PoolAccess access)
    {
        var fault = EntryAddress(faultOffset);
        return new BugCheckException(BugCheckCode.PageFaultInNonpagedArea, fault, (ulong)access, 0, 0,
            $"PAGE_FAULT_IN_NONPAGED_AREA: owner {block.OwnerId} {Verb(access)} {length} bytes at offset {offset} of block {block}, " +
            $"reaching 0x{fault:X}, outside the pool. Check the offsets and lengths the driver computes.");
    }

    private BugCheckException OwnHeaderCorrupt(KernelPoolBlock block, int ownerId)
    {
        ref var header = ref Header(block.HeaderOffset);
        var damage =
            header.State != PoolBlockState.Allocated ? $"its state reads 0x{(ushort)header.State:X4} where an allocated block's reads 0x{(ushort)PoolBlockState.Allocated:X4}"
            : header.BlockSize != block.BlockSize ? $"its size reads 0x{header.BlockSize:X} where the block is 0x{block.BlockSize:X} bytes"
            : header.Tag != block.Tag ? $"its tag reads '{PoolTag.Format(header.Tag)}' where the block was allocated as '{PoolTag.Format(block.Tag)}'"
            : $"its owner reads {header.OwnerId} where the block belongs to owner {block.OwnerId}";
        return BadPoolHeader(PoolBugCheckSubtype.HeaderCorrupt, EntryAddress(block.HeaderOffset), EntryAddress(block.HeaderOffset + block.BlockSize), 0,
            block.HeaderOffset, precedingOffset: null, $"owner {ownerId} freed block 0x{block.Address:X} and found its header corrupt: {damage}");
    }

    private BugCheckException PreviousContradictsFreedBlock(KernelPoolBlock block, int ownerId)
    {
        var previousSize = Header(block.HeaderOffset).PreviousSize;
        return BadPoolHeader(PoolBugCheckSubtype.AdjacentHeadersContradict, EntryAddress(block.HeaderOffset), 0, EntryAddress((long)block.HeaderOffset - previousSize),
            block.HeaderOffset, precedingOffset: null,
            $"owner {ownerId} freed block 0x{block.Address:X}, whose header says the block before it is 0x{previousSize:X} bytes long, " +
            "which the header there contradicts: at least one of the two is corrupt");
    }

    /// <summary>
    /// The header after the block being freed is damaged. When that block is in use, this is
    /// Windows' "data following the pool block being freed is corrupt" (0x21), which points at the
    /// caller as the one who overran; when it is free, its header was modified after it was freed (0xD).
    /// </summary>
    private BugCheckException DamagedNext(KernelPoolBlock block, int next, int ownerId)
    {
        var contents = Header(next).Contents;
        var finding = $"owner {ownerId} freed block 0x{block.Address:X} and found the header right after it damaged (it reads 0x{contents:X16})";
        return LiveAt(next) is not null
            ? BadPoolHeader(PoolBugCheckSubtype.DataFollowingBlockCorrupt, (ulong)block.Address, (ulong)block.Size, contents, next, block.HeaderOffset, finding)
            : BadPoolHeader(PoolBugCheckSubtype.FreedHeaderModified, EntryAddress(next), contents, 0, next, block.HeaderOffset, finding);
    }

    private BugCheckException AfterFreeNeighbourContradicts(KernelPoolBlock block, int next, int ownerId)
    {
        var nextSize = Header(next).BlockSize;
        var afterNext = next + nextSize;
        return BadPoolHeader(PoolBugCheckSubtype.AdjacentHeadersContradict, EntryAddress(afterNext), 0, EntryAddress(next), afterNext, next,
            $"owner {ownerId} freed block 0x{block.Address:X}; the free block after it is 0x{nextSize:X} bytes long, " +
            $"but the header after that says 0x{Header(afterNext).PreviousSize:X}");
    }

    private BugCheckException DamagedFreeNeighbour(int offset, FreeBlockCheck check, int? precedingOffset, int ownerId)
    {
        var finding = $"owner {ownerId} freed a block next to the free block 0x{DataAddress(offset):X} and found that block damaged: {FreeDamageFinding(offset, check)}";
        if (check == FreeBlockCheck.LinksDamaged)
        {
            // A lookaside list has no back links: p3 is where the block's link leads, and p4 is 0.
            var (forward, backward) = Header(offset).State == PoolBlockState.Lookaside
                ? (EntryAddress(Links(offset).Flink), 0UL)
                : ReadBackLinks(offset, BinOf(Header(offset).BlockSize));
            return BadPoolHeader(PoolBugCheckSubtype.FreeListCorrupt, EntryAddress(offset), forward, backward, offset, precedingOffset, finding);
        }

        return BadPoolHeader(PoolBugCheckSubtype.FreedHeaderModified, EntryAddress(offset), Header(offset).Contents, 0, offset, precedingOffset, finding);
    }

    private BugCheckException NextContradictsSplitBlock(int next, int size, int ownerId)
    {
        ref var following = ref Header(next);
        return CorruptedExpool(next, ownerId,
            $"its header says the block before it is 0x{following.PreviousSize:X} bytes long (state 0x{(ushort)following.State:X4}), but that block is 0x{size:X} bytes");
    }

    private BugCheckException SweepFoundDamage(int offset, int previousSize, int ownerId)
    {
        ref var header = ref Header(offset);
        var finding = !IsValidState(header.State) ? $"its state reads 0x{(ushort)header.State:X4}, neither allocated nor free"
            : header.State == PoolBlockState.Lookaside ? "its state says it is on a lookaside list, but no list holds it"
            : header.PreviousSize != previousSize ? $"its header says the block before it is 0x{header.PreviousSize:X} bytes long, but that block is 0x{previousSize:X} bytes"
            : $"its size reads 0x{header.BlockSize:X}, which does not fit in the pool";
        return CorruptedExpool(offset, ownerId, finding);
    }

    private string FreeDamageFinding(int offset, FreeBlockCheck check)
    {
        ref var header = ref Header(offset);
        ref var links = ref Links(offset);
        return check switch
        {
            FreeBlockCheck.StateDamaged => $"its state reads 0x{(ushort)header.State:X4} where a free block's reads 0x{(ushort)PoolBlockState.Free:X4} (0x{(ushort)PoolBlockState.Lookaside:X4} on a lookaside list)",
            FreeBlockCheck.SizeDamaged => $"its size reads 0x{header.BlockSize:X}, which is not the size of a free block on its list",
            _ when header.State == PoolBlockState.Lookaside => $"its free-list links (a lookaside list's, forward 0x{links.Flink:X}) lead neither to the end of the list nor to another block on it",
            _ => $"its free-list links (forward 0x{links.Flink:X}, backward 0x{links.Blink:X}) do not lead back to it",
        };
    }

    private static string Verb(PoolAccess access) => access == PoolAccess.Write ? "wrote" : "read";

    /// <summary>Names the owners around a damaged header from the pool's tracking, which the damage cannot reach.</summary>
    private PoolCorruption Describe(int corruptOffset, int? precedingOffset)
    {
        var corrupt = LiveAt(corruptOffset);
        var preceding = precedingOffset ?? FindPreceding(corruptOffset);
        var before = preceding is { } offset ? LiveAt(offset) : null;
        return new PoolCorruption(DataAddress(corruptOffset), corrupt?.Tag, corrupt?.OwnerId,
            preceding is { } p ? DataAddress(p) : null, before?.Tag, before?.OwnerId);
    }

    /// <summary>
    /// The block before <paramref name="target"/>, found by walking the arena from its start, as
    /// <c>!pool</c> walks a page: the damaged header's own previous size cannot be trusted. Sizes of
    /// blocks in use come from tracking; a free block's from its header. Null when the walk meets
    /// other damage or does not land on <paramref name="target"/>.
    /// </summary>
    private int? FindPreceding(int target)
    {
        var offset = 0;
        int? previous = null;
        while (offset < target)
        {
            ref var header = ref Header(offset);
            var size = LiveAt(offset) is { } block ? block.BlockSize
                : (header.State is PoolBlockState.Free or PoolBlockState.Lookaside) && IsPlausibleSize(offset, header.BlockSize) ? header.BlockSize
                : 0;
            if (size == 0)
            {
                return null;
            }

            previous = offset;
            offset += size;
        }

        return offset == target ? previous : null;
    }
}
