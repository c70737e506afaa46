using LastKnownGood.Kernel;
using LastKnownGood.Kernel.Pool;

namespace LastKnownGood.Tests.Kernel.Pool;

/// <summary>The pool's blocks, reuse and coalescing; its damage and misuse are in <c>KernelPoolTests.Corruption.cs</c>.</summary>
public sealed partial class KernelPoolTests : IDisposable
{
    private const int NotMyFault = 1;
    private const int Sensor = 2;
    private const int Bystander = 3;
    private const int Capacity = 64 * 1024;

    /// <summary>Small blocks are freed onto lookaside lists, larger ones onto bins: damage tests run for both.</summary>
    private const int LargerThanLookaside = 1024;

    private static readonly uint Ntmf = PoolTag.Parse("Ntmf");
    private static readonly uint Sens = PoolTag.Parse("Sens");
    private static readonly uint Byst = PoolTag.Parse("Byst");

    private readonly KernelPool _pool = new(Capacity);

    public void Dispose() => _pool.Dispose();

    [Fact]
    public void Allocate_Consecutively_PlacesEachBlockRightBehindTheLastOneAndItsHeader()
    {
        var a = Allocate(_pool, 64, Ntmf, NotMyFault);
        var b = Allocate(_pool, 64, Sens, Sensor);

        Assert.Equal(a.Address + 64 + KernelPool.HeaderSize, b.Address);
        Assert.Equal((64, Ntmf, NotMyFault), (a.Size, a.Tag, a.OwnerId));
    }

    [Fact]
    public void Tracking_FollowsBlocksToTheEndOfTheArena_AndStillCatchesADoubleFreeThere()
    {
        using var pool = new KernelPool(1024 * 1024);
        var blocks = new List<KernelPoolBlock>();
        while (pool.Allocate(LargerThanLookaside, Ntmf, NotMyFault) is { } block)
        {
            blocks.Add(block);
        }

        Assert.True(blocks[^1].Address - blocks[0].Address > 1000 * 1024, "the blocks reach the arena's far end");
        Assert.Equal(blocks.Count, pool.Outstanding(NotMyFault).Count);
        foreach (var block in blocks)
        {
            pool.Free(block, Ntmf, NotMyFault);
        }

        Assert.Empty(pool.Outstanding(NotMyFault));
        var bugCheck = Assert.Throws<BugCheckException>(() => pool.Free(blocks[^1], Ntmf, NotMyFault));
        Assert.Equal((BugCheckCode.BadPoolCaller, 0x07UL), (bugCheck.Code, bugCheck.Parameter1));
    }

    [Fact]
    public void Free_ThenAllocateTheSameSize_ReusesTheBlock()
    {
        var first = Allocate(_pool, 100, Ntmf, NotMyFault);
        var address = first.Address;
        _pool.Free(first, Ntmf, NotMyFault);

        var second = Allocate(_pool, 100, Sens, Sensor);

        Assert.Equal(address, second.Address);
        Assert.Equal(Sens, second.Tag);
    }

    [Fact]
    public void Write_ThenRead_ReturnsTheBytesOfEachBlock()
    {
        var blocks = Enumerable.Range(1, 20).Select(i => Allocate(_pool, i * 13, Ntmf, NotMyFault)).ToList();
        foreach (var block in blocks)
        {
            block.Write(0, Pattern(block.Size, seed: block.Size));
        }

        foreach (var block in blocks)
        {
            var read = new byte[block.Size];
            block.Read(0, read);
            Assert.Equal(Pattern(block.Size, seed: block.Size), read);
        }
    }

    [Fact]
    public void Free_AllBlocksInAnyOrder_CoalescesTheArenaBackIntoOneBlock()
    {
        var random = new Random(11);
        var blocks = new List<KernelPoolBlock>();
        while (_pool.Allocate(random.Next(1, 700), Ntmf, NotMyFault) is { } block)
        {
            blocks.Add(block);
        }

        foreach (var block in blocks.OrderBy(_ => random.Next()))
        {
            _pool.Free(block, Ntmf, NotMyFault);
        }

        Assert.True(blocks.Count > 100, $"only {blocks.Count} blocks fitted");
        Assert.NotNull(_pool.Allocate(Capacity - KernelPool.HeaderSize, Ntmf, NotMyFault));
    }

    [Fact]
    public void Allocate_WhenNoFreeBlockIsLargeEnough_ReturnsNullAndSucceedsAgainAfterAFree()
    {
        var blocks = new List<KernelPoolBlock>();
        while (_pool.Allocate(1000, Ntmf, NotMyFault) is { } block)
        {
            blocks.Add(block);
        }

        Assert.Null(_pool.Allocate(1000, Ntmf, NotMyFault));
        _pool.Free(blocks[^1], Ntmf, NotMyFault);
        Assert.NotNull(_pool.Allocate(1000, Ntmf, NotMyFault));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(Capacity)]
    [InlineData(int.MaxValue)]
    public void Allocate_SizeNoBlockCanHold_ReturnsNull(int size) =>
        Assert.Null(_pool.Allocate(size, Ntmf, NotMyFault));

    [Fact]
    public void Allocate_ZeroBytes_RaisesBadPoolCallerZeroByteAllocation()
    {
        var bugCheck = Assert.Throws<BugCheckException>(() => _pool.Allocate(0, Ntmf, NotMyFault));

        AssertBugCheck(bugCheck, BugCheckCode.BadPoolCaller, 0x00, 0, 0, Ntmf);
    }

    [Fact]
    public void Outstanding_ListsTheOwnersUnfreedBlocksOldestFirst()
    {
        var first = Allocate(_pool, 10, Ntmf, NotMyFault);
        var freed = Allocate(_pool, 20, Ntmf, NotMyFault);
        Allocate(_pool, 30, Sens, Sensor);
        var last = Allocate(_pool, 40, PoolTag.Parse("Ntm2"), NotMyFault);
        _pool.Free(freed, Ntmf, NotMyFault);

        Assert.Equal(
            [new PoolAllocation(first.Address, 10, Ntmf, NotMyFault), new PoolAllocation(last.Address, 40, PoolTag.Parse("Ntm2"), NotMyFault)],
            _pool.Outstanding(NotMyFault));
        Assert.Single(_pool.Outstanding(Sensor));
        Assert.Empty(_pool.Outstanding(Bystander));
    }

    [Fact]
    public void AllocateAndFree_RandomSequence_NeverLetsBlocksOverlap()
    {
        var random = new Random(5);
        var live = new List<KernelPoolBlock>();
        for (var step = 0; step < 20_000; step++)
        {
            if (live.Count > 0 && random.Next(3) == 0)
            {
                var index = random.Next(live.Count);
                var block = live[index];
                AssertHolds(block, Pattern(block.Size, seed: (int)block.Address));
                _pool.Free(block, block.Tag, block.OwnerId);
                live[index] = live[^1];
                live.RemoveAt(live.Count - 1);
            }
            else if (_pool.Allocate(random.Next(1, random.Next(2) == 0 ? 64 : 4000), Ntmf, random.Next(4)) is { } block)
            {
                block.Write(0, Pattern(block.Size, seed: (int)block.Address));
                live.Add(block);
            }
        }

        foreach (var block in live)
        {
            AssertHolds(block, Pattern(block.Size, seed: (int)block.Address));
            _pool.Free(block, block.Tag, block.OwnerId);
        }

        Assert.NotNull(_pool.Allocate(Capacity - KernelPool.HeaderSize, Ntmf, NotMyFault));
    }

    [Fact]
    public void AllocateAndFree_FromManyThreads_KeepsEveryBlockIntactAndTheArenaWhole()
    {
        const int threads = 8;
        using var pool = new KernelPool(1024 * 1024);
        using var start = new Barrier(threads);
        var failures = new List<string>();
        var workers = Enumerable.Range(0, threads).Select(owner => new Thread(() =>
        {
            var random = new Random(owner);
            start.SignalAndWait();
            for (var i = 0; i < 5_000; i++)
            {
                var size = random.Next(1, 512);
                if (pool.Allocate(size, Ntmf, owner) is not { } block)
                {
                    continue;
                }

                var expected = Pattern(size, seed: owner * 31 + i);
                block.Write(0, expected);
                Thread.Yield();
                var read = new byte[size];
                block.Read(0, read);
                if (!read.AsSpan().SequenceEqual(expected))
                {
                    lock (failures)
                    {
                        failures.Add($"owner {owner}, block {block}");
                    }
                }

                pool.Free(block, Ntmf, owner);
            }
        })).ToList();

        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.Empty(failures);
        Assert.All(Enumerable.Range(0, threads), owner => Assert.Empty(pool.Outstanding(owner)));
        Assert.NotNull(pool.Allocate(pool.Capacity - KernelPool.HeaderSize, Ntmf, 0));
    }

    [Fact]
    public void Allocate_AfterDispose_ThrowsObjectDisposed()
    {
        using var pool = new KernelPool(Capacity);
        pool.Dispose();

        Assert.Throws<ObjectDisposedException>(() => pool.Allocate(64, Ntmf, NotMyFault));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(KernelPool.MaximumOwnerId + 1)]
    public void Allocate_OwnerIdOutOfRange_ThrowsArgumentOutOfRange(int ownerId) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _pool.Allocate(64, Ntmf, ownerId));

    private static KernelPoolBlock Allocate(KernelPool pool, int size, uint tag, int ownerId) =>
        pool.Allocate(size, tag, ownerId) ?? throw new InvalidOperationException($"The pool could not allocate {size} bytes.");

    private static byte[] Overrun(int length) => Enumerable.Repeat((byte)0x41, length).ToArray();

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static void AssertHolds(KernelPoolBlock block, byte[] expected)
    {
        var read = new byte[block.Size];
        block.Read(0, read);
        Assert.Equal(expected, read);
    }

    private static void AssertBugCheck(BugCheckException bugCheck, BugCheckCode code, ulong p1, ulong p2, ulong p3, ulong p4) =>
        Assert.Equal((code, p1, p2, p3, p4), (bugCheck.Code, bugCheck.Parameter1, bugCheck.Parameter2, bugCheck.Parameter3, bugCheck.Parameter4));

    /// <summary>A pool block a driver made up itself, which the pool never handed out.</summary>
    private sealed class CounterfeitBlock : PoolBlock
    {
        public override int Size => 64;

        public override uint Tag => Ntmf;

        public override void Write(int offset, ReadOnlySpan<byte> data)
        {
        }

        public override void Read(int offset, Span<byte> destination)
        {
        }
    }
}
