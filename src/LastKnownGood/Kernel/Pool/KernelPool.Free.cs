using LastKnownGood.Kernel.Pool.Internal;

namespace LastKnownGood.Kernel.Pool;

public sealed partial class KernelPool
{
    /// <summary>
    /// Frees a block, as <c>ExFreePoolWithTag</c>. The block's header and both neighbours' headers
    /// are checked first: this is where an earlier overrun is usually found, and blamed on the caller.
    /// </summary>
    /// <param name="block">A block this pool allocated and nobody has freed yet.</param>
    /// <param name="tag">The tag the block was allocated with.</param>
    /// <param name="ownerId">The owner freeing the block; it may differ from the allocator (ownership can pass between components).</param>
    /// <exception cref="BugCheckException">
    /// 0xC2 BAD_POOL_CALLER for a block not from this pool (p1 0x42), freed twice (0x07) or freed
    /// with another tag (0x0A); 0x19 BAD_POOL_HEADER, carrying a <see cref="PoolCorruption"/>, when
    /// the block's header or a neighbour's is damaged.
    /// </exception>
    public void Free(PoolBlock block, uint tag, int ownerId)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block is KernelPoolBlock { IsSpecialPool: true } special)
        {
            FreeSpecial(special, tag, ownerId);
            return;
        }

        _lock.Enter();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (block is not KernelPoolBlock ours || ours.Pool != this)
            {
                throw NotInPool(block, ownerId);
            }

            // Tracking holds a block until it is freed; after that its slot is empty or holds whoever reuses the memory.
            ref var slot = ref TrackingSlot(ours.HeaderOffset);
            if (slot != ours)
            {
                throw DoubleFree(ours, ownerId);
            }

            CheckOwnHeader(ours, ownerId);
            if (tag != ours.Tag)
            {
                throw WrongTag(ours, tag, ownerId);
            }

            Release(ours, ownerId);
            slot = null;
        }
        finally
        {
            _lock.Exit();
        }
    }

    /// <summary>A special pool block has no header to check: tracking alone says whether it is live.</summary>
    private void FreeSpecial(KernelPoolBlock block, uint tag, int ownerId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (block.Pool != this)
        {
            throw NotInPool(block, ownerId);
        }

        switch (_special.Release(block, tag))
        {
            case SpecialPoolRelease.NotLive:
                throw DoubleFree(block, ownerId);
            case SpecialPoolRelease.WrongTag:
                throw WrongTag(block, tag, ownerId);
        }
    }

    /// <summary>
    /// The header must still say what the pool wrote when it handed the block out, and its previous
    /// size must match the block before it.
    /// </summary>
    private void CheckOwnHeader(KernelPoolBlock block, int ownerId)
    {
        var offset = block.HeaderOffset;
        ref var header = ref Header(offset);
        if (header.State != PoolBlockState.Allocated || header.BlockSize != block.BlockSize || header.Tag != block.Tag || header.OwnerId != block.OwnerId)
        {
            throw OwnHeaderCorrupt(block, ownerId);
        }

        var previousSize = header.PreviousSize;
        var consistent = offset == 0
            ? previousSize == 0
            : previousSize >= MinimumBlockSize && previousSize <= offset && previousSize % Granularity == 0
                && IsValidState(Header(offset - previousSize).State) && Header(offset - previousSize).BlockSize == previousSize;
        if (!consistent)
        {
            throw PreviousContradictsFreedBlock(block, ownerId);
        }
    }

    /// <summary>
    /// Checks both neighbours, then puts the block on the lookaside list of its size, or a bin if it
    /// is larger. Adjacent free blocks are merged later, by <see cref="CoalesceFreeBlocks"/>, when an
    /// allocation finds no block large enough: a free that merged at once would split and merge the
    /// same memory again on every allocate-free pair.
    /// </summary>
    private void Release(KernelPoolBlock block, int ownerId)
    {
        var offset = block.HeaderOffset;
        ref var header = ref Header(offset);
        var next = offset + block.BlockSize;
        if (next < _capacity)
        {
            ref var following = ref Header(next);
            if (!IsValidState(following.State) || following.PreviousSize != block.BlockSize || !IsPlausibleSize(next, following.BlockSize))
            {
                throw DamagedNext(block, next, ownerId);
            }

            if (following.State != PoolBlockState.Allocated)
            {
                CheckFreeNeighbour(next, offset, ownerId);
            }
        }

        // CheckOwnHeader found the block before in a valid state.
        if (offset != 0 && Header(offset - header.PreviousSize).State != PoolBlockState.Allocated)
        {
            CheckFreeNeighbour(offset - header.PreviousSize, precedingOffset: null, ownerId);
        }

        header.OwnerId = 0;
        if (IsLookasideSize(block.BlockSize))
        {
            PushLookaside(offset);
        }
        else
        {
            header.State = PoolBlockState.Free;
            InsertFree(offset);
        }
    }

    /// <summary>Checks a free neighbour, on a bin or on a lookaside list.</summary>
    private void CheckFreeNeighbour(int offset, int? precedingOffset, int ownerId)
    {
        ref var header = ref Header(offset);
        var check = header.State == PoolBlockState.Lookaside ? InspectLookaside(offset, header.BlockSize / Granularity) : InspectFree(offset, bin: null);
        if (check != FreeBlockCheck.Intact)
        {
            throw DamagedFreeNeighbour(offset, check, precedingOffset, ownerId);
        }
    }
}
