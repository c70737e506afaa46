using System.Numerics;
using LastKnownGood.Kernel.Pool.Internal;

namespace LastKnownGood.Kernel.Pool;

/// <summary>
/// Free blocks sit in bins, doubly linked through <see cref="FreeLinks"/> in their data: one bin per
/// exact size below 2 KiB, then one bin per power of two; a bitmap finds the first non-empty bin.
/// </summary>
public sealed partial class KernelPool
{
    /// <summary>Bins 0 to 127 hold blocks of exactly that many 16-byte granules (the first two stay empty).</summary>
    private const int SmallBinCount = 128;

    /// <summary>Power-of-two bins from 2^7 granules up to the 2^26 that an <see cref="int"/>-sized arena can hold.</summary>
    private const int BinCount = SmallBinCount + 20;

    private readonly int[] _binHeads = new int[BinCount];
    private readonly ulong[] _binMap = new ulong[(BinCount + 63) / 64];

    private static int BinOf(int blockSize)
    {
        var granules = blockSize / Granularity;
        return granules < SmallBinCount ? granules : SmallBinCount - 7 + BitOperations.Log2((uint)granules);
    }

    private static bool IsValidState(PoolBlockState state) => state is PoolBlockState.Allocated or PoolBlockState.Free or PoolBlockState.Lookaside;

    private bool IsPlausibleOffset(int offset) =>
        offset >= 0 && offset <= _capacity - MinimumBlockSize && offset % Granularity == 0;

    private bool IsPlausibleSize(int offset, int blockSize) =>
        blockSize >= MinimumBlockSize && blockSize % Granularity == 0 && blockSize <= _capacity - offset;

    private int FirstNonEmptyBin(int from)
    {
        for (var word = from >> 6; word < _binMap.Length; word++)
        {
            var bits = _binMap[word];
            if (word == from >> 6)
            {
                bits &= ~0UL << (from & 63);
            }

            if (bits != 0)
            {
                return (word << 6) + BitOperations.TrailingZeroCount(bits);
            }
        }

        return NoBlock;
    }

    /// <summary>Pushes the free block at <paramref name="offset"/> (its header already written) onto its bin.</summary>
    private void InsertFree(int offset)
    {
        var bin = BinOf(Header(offset).BlockSize);
        var head = _binHeads[bin];
        ref var links = ref Links(offset);
        links.Flink = head;
        links.Blink = NoBlock;
        if (head != NoBlock)
        {
            Links(head).Blink = offset;
        }

        _binHeads[bin] = offset;
        _binMap[bin >> 6] |= 1UL << (bin & 63);
    }

    /// <summary>Removes a free block from its bin; callers have checked it with <see cref="InspectFree"/>.</summary>
    private void UnlinkFree(int offset, int bin)
    {
        ref var links = ref Links(offset);
        if (links.Blink == NoBlock)
        {
            _binHeads[bin] = links.Flink;
            if (links.Flink == NoBlock)
            {
                _binMap[bin >> 6] &= ~(1UL << (bin & 63));
            }
        }
        else
        {
            Links(links.Blink).Flink = links.Flink;
        }

        if (links.Flink != NoBlock)
        {
            Links(links.Flink).Blink = links.Blink;
        }
    }

    /// <summary>
    /// Checks a block that should be free before the pool relies on it: its state, its size (and
    /// that the size belongs in <paramref name="bin"/>, when the block was found on a bin), and that
    /// its neighbours in the free list point back at it. Kept free of message building: it runs on
    /// every allocation and free.
    /// </summary>
    private FreeBlockCheck InspectFree(int offset, int? bin)
    {
        ref var header = ref Header(offset);
        if (header.State != PoolBlockState.Free)
        {
            return FreeBlockCheck.StateDamaged;
        }

        if (!IsPlausibleSize(offset, header.BlockSize) || (bin is { } expected && BinOf(header.BlockSize) != expected))
        {
            return FreeBlockCheck.SizeDamaged;
        }

        var (forward, backward) = ReadBackLinks(offset, bin ?? BinOf(header.BlockSize));
        var entry = EntryAddress(offset);
        return forward == entry && backward == entry ? FreeBlockCheck.Intact : FreeBlockCheck.LinksDamaged;
    }

    /// <summary>
    /// Follows a free block's links one step and back, as BAD_POOL_HEADER 0x3 reports them: in a
    /// healthy list both lead back to the block's own entry.
    /// </summary>
    private (ulong Forward, ulong Backward) ReadBackLinks(int offset, int bin)
    {
        ref var links = ref Links(offset);
        var forward = links.Flink == NoBlock ? offset
            : IsPlausibleOffset(links.Flink) ? Links(links.Flink).Blink
            : links.Flink;
        var backward = links.Blink == NoBlock ? _binHeads[bin]
            : IsPlausibleOffset(links.Blink) ? Links(links.Blink).Flink
            : links.Blink;
        return (EntryAddress(forward), EntryAddress(backward));
    }
}
