using LastKnownGood.Kernel.Pool.Internal;

namespace LastKnownGood.Kernel.Pool;

public sealed partial class KernelPool
{
    /// <summary>
    /// Allocates a block of at least <paramref name="size"/> bytes for <paramref name="ownerId"/>,
    /// as <c>ExAllocatePoolWithTag</c>. The data is not cleared.
    /// </summary>
    /// <returns>The block, or null when no free block is large enough (STATUS_INSUFFICIENT_RESOURCES); a negative size is never satisfiable.</returns>
    /// <exception cref="BugCheckException">
    /// 0xC2 BAD_POOL_CALLER (p1 0x00) for a zero-byte request; 0xC5 DRIVER_CORRUPTED_EXPOOL when
    /// the allocation finds a damaged block on its way.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ownerId"/> is outside 0 to <see cref="MaximumOwnerId"/>.</exception>
    public KernelPoolBlock? Allocate(int size, uint tag, int ownerId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ownerId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ownerId, MaximumOwnerId);
        if (size == 0)
        {
            throw ZeroByteAllocation(tag, ownerId);
        }

        if (size < 0 || size > _capacity - PoolHeader.Size)
        {
            return null;
        }

        var needed = Math.Max(MinimumBlockSize, PoolHeader.Size + ((size + Granularity - 1) & ~(Granularity - 1)));
        if (_specialPoolOwners.Count != 0 && _specialPoolOwners.Contains(ownerId) && AllocateSpecial(size, tag, ownerId) is { } special)
        {
            return special;
        }

        _lock.Enter();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var offset = TakeFreeBlock(needed, ownerId);
            if (offset == NoBlock && CoalesceFreeBlocks(ownerId))
            {
                offset = TakeFreeBlock(needed, ownerId);
            }

            if (offset == NoBlock)
            {
                return null;
            }

            ref var header = ref Header(offset);
            header.Tag = tag;
            header.OwnerId = (ushort)ownerId;
            header.State = PoolBlockState.Allocated;
            var block = new KernelPoolBlock(this, offset, header.BlockSize, size, tag, ownerId, isSpecialPool: false, ++_allocations);
            TrackingSlot(offset) = block;
            return block;
        }
        finally
        {
            _lock.Exit();
        }
    }

    /// <summary>
    /// A block against a guard page, or null when special pool is used up: the allocation then comes
    /// from the arena, unchecked, as Windows falls back to normal pool.
    /// </summary>
    private KernelPoolBlock? AllocateSpecial(int size, uint tag, int ownerId)
    {
        long sequence;
        _lock.Enter();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            sequence = ++_allocations;
        }
        finally
        {
            _lock.Exit();
        }

        return _special.Allocate(this, size, tag, ownerId, sequence);
    }

    /// <summary>
    /// Takes a free block of at least <paramref name="needed"/> bytes, from the lookaside list of
    /// that size or else a bin, cut to size, and returns its offset; every free block it looks at on
    /// the way is checked.
    /// </summary>
    private int TakeFreeBlock(int needed, int ownerId)
    {
        var bin = BinOf(needed);
        if (IsLookasideSize(needed) && _lookasideHeads[bin] != NoBlock)
        {
            return PopLookaside(bin, ownerId);
        }

        if (bin < SmallBinCount)
        {
            // Small bins hold blocks of exactly one size: the head fits as it is.
            var head = _binHeads[bin];
            if (head != NoBlock)
            {
                CheckFreeForAllocation(head, bin, ownerId);
                UnlinkFree(head, bin);
                return head;
            }
        }
        else
        {
            for (var candidate = _binHeads[bin]; candidate != NoBlock; candidate = Links(candidate).Flink)
            {
                CheckFreeForAllocation(candidate, bin, ownerId);
                if (Header(candidate).BlockSize >= needed)
                {
                    UnlinkFree(candidate, bin);
                    Split(candidate, needed, ownerId);
                    return candidate;
                }
            }
        }

        var larger = FirstNonEmptyBin(bin + 1);
        if (larger == NoBlock)
        {
            return NoBlock;
        }

        var offset = _binHeads[larger];
        CheckFreeForAllocation(offset, larger, ownerId);
        UnlinkFree(offset, larger);
        Split(offset, needed, ownerId);
        return offset;
    }

    /// <summary>Cuts the unlinked free block at <paramref name="offset"/> to <paramref name="needed"/> bytes and frees the rest, if the rest can hold a block.</summary>
    private void Split(int offset, int needed, int ownerId)
    {
        ref var header = ref Header(offset);
        var size = header.BlockSize;
        var remainder = size - needed;
        if (remainder < MinimumBlockSize)
        {
            return;
        }

        var next = offset + size;
        if (next < _capacity)
        {
            ref var following = ref Header(next);
            if (!IsValidState(following.State) || following.PreviousSize != size)
            {
                throw NextContradictsSplitBlock(next, size, ownerId);
            }

            following.PreviousSize = remainder;
        }

        header.BlockSize = needed;
        var rest = offset + needed;
        Header(rest) = new PoolHeader { PreviousSize = needed, BlockSize = remainder, State = PoolBlockState.Free };
        InsertFree(rest);
    }

    private void CheckFreeForAllocation(int offset, int bin, int ownerId)
    {
        if (InspectFree(offset, bin) is var check and not FreeBlockCheck.Intact)
        {
            throw CorruptedExpool(offset, ownerId, FreeDamageFinding(offset, check));
        }
    }
}
