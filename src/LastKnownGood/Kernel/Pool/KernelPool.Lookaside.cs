using LastKnownGood.Kernel.Pool.Internal;

namespace LastKnownGood.Kernel.Pool;

/// <summary>
/// Lookaside lists, as Windows keeps in front of its pool for blocks up to 512 bytes: one LIFO list
/// per block size, singly linked through the first four bytes of each block's data. A small free
/// pushes the block on its list and the next allocation of that size pops it, without the bins,
/// their back links and their bitmap. Blocks on a list are not merged; the sweep puts them back on
/// the bins first (<see cref="DrainLookasides"/>). The lists sit under the pool's lock: see docs/pool.md.
/// </summary>
public sealed partial class KernelPool
{
    /// <summary>The largest block, header included, that a free puts on a lookaside list.</summary>
    private const int LookasideMaximumBlockSize = 512;

    /// <summary>Head of each list by block size in granules; the lists of fewer than two granules stay empty.</summary>
    private readonly int[] _lookasideHeads = new int[(LookasideMaximumBlockSize / Granularity) + 1];

    private static bool IsLookasideSize(int blockSize) => blockSize <= LookasideMaximumBlockSize;

    /// <summary>Pushes a checked block that is being freed onto the list of its size.</summary>
    private void PushLookaside(int offset)
    {
        ref var header = ref Header(offset);
        var list = header.BlockSize / Granularity;
        header.State = PoolBlockState.Lookaside;
        Links(offset).Flink = _lookasideHeads[list];
        _lookasideHeads[list] = offset;
    }

    /// <summary>Pops the head of a list that is not empty, after checking it as an allocation checks any free block it takes.</summary>
    private int PopLookaside(int list, int ownerId)
    {
        var offset = _lookasideHeads[list];
        if (InspectLookaside(offset, list) is var check and not FreeBlockCheck.Intact)
        {
            throw CorruptedExpool(offset, ownerId, FreeDamageFinding(offset, check));
        }

        _lookasideHeads[list] = Links(offset).Flink;
        return offset;
    }

    /// <summary>
    /// Checks a block that should be on lookaside list <paramref name="list"/>: its state, its size,
    /// and that its link is the end of the list or another block on the same list. There is no back
    /// link to follow, as in Windows' singly linked lists.
    /// </summary>
    private FreeBlockCheck InspectLookaside(int offset, int list)
    {
        ref var header = ref Header(offset);
        if (header.State != PoolBlockState.Lookaside)
        {
            return FreeBlockCheck.StateDamaged;
        }

        if (header.BlockSize != list * Granularity || !IsLookasideSize(header.BlockSize) || !IsPlausibleSize(offset, header.BlockSize))
        {
            return FreeBlockCheck.SizeDamaged;
        }

        var next = Links(offset).Flink;
        return next == NoBlock || (IsPlausibleOffset(next) && Header(next).State == PoolBlockState.Lookaside && Header(next).BlockSize == header.BlockSize)
            ? FreeBlockCheck.Intact
            : FreeBlockCheck.LinksDamaged;
    }

    /// <summary>Moves every block on the lookaside lists to the bins, checking each; returns whether there was any.</summary>
    private bool DrainLookasides(int ownerId)
    {
        var drained = false;
        for (var list = 0; list < _lookasideHeads.Length; list++)
        {
            while (_lookasideHeads[list] != NoBlock)
            {
                var offset = PopLookaside(list, ownerId);
                Header(offset).State = PoolBlockState.Free;
                InsertFree(offset);
                drained = true;
            }
        }

        return drained;
    }
}
