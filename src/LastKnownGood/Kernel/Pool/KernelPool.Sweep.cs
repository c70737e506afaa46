using LastKnownGood.Kernel.Pool.Internal;

namespace LastKnownGood.Kernel.Pool;

public sealed partial class KernelPool
{
    /// <summary>
    /// Moves the lookaside lists to the bins, then walks the whole arena, checking every header on
    /// the way, and merges each run of adjacent free blocks into one. Returns whether anything moved
    /// or merged, that is, whether another search can succeed.
    /// </summary>
    private bool CoalesceFreeBlocks(int ownerId)
    {
        var progress = DrainLookasides(ownerId);
        var runStart = NoBlock;
        var runBlocks = 0;
        var previousSize = 0;
        for (var offset = 0; offset < _capacity;)
        {
            ref var header = ref Header(offset);
            // Once the lists are drained, no block is on a lookaside list.
            if (!IsValidState(header.State) || header.State == PoolBlockState.Lookaside || header.PreviousSize != previousSize || !IsPlausibleSize(offset, header.BlockSize))
            {
                throw SweepFoundDamage(offset, previousSize, ownerId);
            }

            if (header.State == PoolBlockState.Free)
            {
                CheckFreeForAllocation(offset, BinOf(header.BlockSize), ownerId);
                runStart = runStart == NoBlock ? offset : runStart;
                runBlocks++;
            }
            else
            {
                progress |= MergeRun(runStart, runBlocks, offset);
                runStart = NoBlock;
                runBlocks = 0;
            }

            previousSize = header.BlockSize;
            offset += header.BlockSize;
        }

        return MergeRun(runStart, runBlocks, _capacity) | progress;
    }

    /// <summary>Merges the checked free blocks from <paramref name="runStart"/> up to <paramref name="end"/> into one.</summary>
    private bool MergeRun(int runStart, int runBlocks, int end)
    {
        if (runBlocks < 2)
        {
            return false;
        }

        for (var offset = runStart; offset < end; offset += Header(offset).BlockSize)
        {
            UnlinkFree(offset, BinOf(Header(offset).BlockSize));
        }

        Header(runStart).BlockSize = end - runStart;
        if (end < _capacity)
        {
            Header(end).PreviousSize = end - runStart;
        }

        InsertFree(runStart);
        return true;
    }
}
