using LastKnownGood.Kernel;
using LastKnownGood.Kernel.Pool;

namespace LastKnownGood.Tests.Kernel.Pool;

/// <summary>Blocks of up to 512 bytes, header included, are freed onto lookaside lists, one per size.</summary>
public sealed class KernelPoolLookasideTests : IDisposable
{
    private const int Owner = 1;
    private const int Capacity = 64 * 1024;

    private static readonly uint Tag = PoolTag.Parse("Look");

    private readonly KernelPool _pool = new(Capacity);

    public void Dispose() => _pool.Dispose();

    [Fact]
    public void Allocate_AfterSmallFrees_TakesTheLastFreedBlockOfThatSizeFirst()
    {
        var first = Allocate(64);
        var second = Allocate(64);
        Allocate(64);
        _pool.Free(first, Tag, Owner);
        _pool.Free(second, Tag, Owner);

        Assert.Equal([second.Address, first.Address], [Allocate(64).Address, Allocate(64).Address]);
    }

    [Fact]
    public void Allocate_OfAnotherSmallSize_LeavesTheLookasideBlockAlone()
    {
        var freed = Allocate(64);
        Allocate(64);
        _pool.Free(freed, Tag, Owner);

        var smaller = Allocate(48);

        Assert.NotEqual(freed.Address, smaller.Address);
        Assert.Equal(freed.Address, Allocate(64).Address);
    }

    [Fact]
    public void Allocate_WhenOnlyLookasideBlocksOfAnotherSizeAreFree_MovesThemBackAndCutsOne()
    {
        var large = new List<KernelPoolBlock>();
        while (_pool.Allocate(256, Tag, Owner) is { } block)
        {
            large.Add(block);
            if (_pool.Allocate(64, Tag, Owner) is null)
            {
                break;
            }
        }

        // Every other block is freed, so no two free blocks touch and the sweep has nothing to merge.
        large.ForEach(block => _pool.Free(block, Tag, Owner));
        var cut = _pool.Allocate(200, Tag, Owner);

        Assert.NotNull(cut);
        Assert.Contains(cut.Address, large.Select(block => block.Address));
    }

    [Fact]
    public void Free_TwiceWhileTheBlockIsOnALookasideList_RaisesBadPoolCallerDoubleFree()
    {
        var block = Allocate(100);
        _pool.Free(block, Tag, Owner);

        var bugCheck = Assert.Throws<BugCheckException>(() => _pool.Free(block, Tag, Owner));

        Assert.Equal((BugCheckCode.BadPoolCaller, 0x07UL, (ulong)block.Address), (bugCheck.Code, bugCheck.Parameter1, bugCheck.Parameter4));
        Assert.Equal(block.Address, Allocate(100).Address);
    }

    [Fact]
    public void Allocate_ThatSweeps_WhenAHeaderClaimsALookasideListThatDoesNotHoldIt_RaisesDriverCorruptedExpool()
    {
        var a = Allocate(64);
        var b = Allocate(64);
        byte[] plausibleHeader = [0x50, 0, 0, 0, 0x50, 0, 0, 0, .. BitConverter.GetBytes(Tag), Owner, 0, 0xC4, 0xCA];
        a.Write(64, plausibleHeader);

        var bugCheck = Assert.Throws<BugCheckException>(() => _pool.Allocate(Capacity - KernelPool.HeaderSize, Tag, Owner));

        Assert.Equal((BugCheckCode.DriverCorruptedExpool, (ulong)(b.Address - KernelPool.HeaderSize)), (bugCheck.Code, bugCheck.Parameter1));
        Assert.Contains("no list holds it", bugCheck.Message, StringComparison.Ordinal);
    }

    private KernelPoolBlock Allocate(int size) =>
        _pool.Allocate(size, Tag, Owner) ?? throw new InvalidOperationException($"The pool could not allocate {size} bytes.");
}
