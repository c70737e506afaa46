using LastKnownGood.Kernel;
using LastKnownGood.Kernel.Pool;

namespace LastKnownGood.Tests.Kernel.Pool;

public sealed class KernelPoolTests : IDisposable
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
    public void Write_PastTheEndIntoTheNextHeader_IsNotDetectedAtTheWrite()
    {
        var a = Allocate(_pool, 64, Ntmf, NotMyFault);
        Allocate(_pool, 64, Sens, Sensor);

        a.Write(0, Pattern(64 + 16, seed: 1));

        var read = new byte[64 + 16];
        a.Read(0, read);
        Assert.Equal(Pattern(64 + 16, seed: 1), read);
    }

    [Fact]
    public void Free_OfTheBlockAnotherDriverOverran_RaisesBadPoolHeaderNamingItCorruptAndTheWriterBeforeIt()
    {
        var a = Allocate(_pool, 64, Ntmf, NotMyFault);
        var b = Allocate(_pool, 64, Sens, Sensor);
        a.Write(64, Overrun(16));

        var bugCheck = Assert.Throws<BugCheckException>(() => _pool.Free(b, Sens, Sensor));

        var bEntry = (ulong)(b.Address - KernelPool.HeaderSize);
        AssertBugCheck(bugCheck, BugCheckCode.BadPoolHeader, 0x20, bEntry, bEntry + 80, 0);
        Assert.Equal(new PoolCorruption(b.Address, Sens, Sensor, a.Address, Ntmf, NotMyFault), PoolCorruption.Of(bugCheck));
        Assert.Contains("'Sens', owner 2", bugCheck.Message, StringComparison.Ordinal);
        Assert.Contains("'Ntmf', owner 1", bugCheck.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Free_OfTheBlockWhosePreviousSizeWasOverwritten_RaisesBadPoolHeaderForContradictingNeighbours()
    {
        var a = Allocate(_pool, 64, Ntmf, NotMyFault);
        var b = Allocate(_pool, 64, Sens, Sensor);
        a.Write(64, Overrun(4));

        var bugCheck = Assert.Throws<BugCheckException>(() => _pool.Free(b, Sens, Sensor));

        var bEntry = (ulong)(b.Address - KernelPool.HeaderSize);
        AssertBugCheck(bugCheck, BugCheckCode.BadPoolHeader, 0x5, bEntry, 0, bEntry - 0x41414141);
        Assert.Equal(new PoolCorruption(b.Address, Sens, Sensor, a.Address, Ntmf, NotMyFault), PoolCorruption.Of(bugCheck));
    }

    [Fact]
    public void Free_OfTheOverrunningBlock_RaisesBadPoolHeaderForTheDataFollowingIt()
    {
        var a = Allocate(_pool, 64, Ntmf, NotMyFault);
        var b = Allocate(_pool, 64, Sens, Sensor);
        a.Write(64, Overrun(16));

        var bugCheck = Assert.Throws<BugCheckException>(() => _pool.Free(a, Ntmf, NotMyFault));

        AssertBugCheck(bugCheck, BugCheckCode.BadPoolHeader, 0x21, (ulong)a.Address, 64, 0x4141414141414141);
        Assert.Equal(new PoolCorruption(b.Address, Sens, Sensor, a.Address, Ntmf, NotMyFault), PoolCorruption.Of(bugCheck));
    }

    [Fact]
    public void Free_OfTheBlockAfterTheOverrunOne_RaisesBadPoolHeaderWhenItsPreviousHeaderContradictsIt()
    {
        var a = Allocate(_pool, 64, Ntmf, NotMyFault);
        var b = Allocate(_pool, 64, Sens, Sensor);
        var c = Allocate(_pool, 64, Byst, Bystander);
        a.Write(64, Overrun(16));

        var bugCheck = Assert.Throws<BugCheckException>(() => _pool.Free(c, Byst, Bystander));

        Assert.Equal(BugCheckCode.BadPoolHeader, bugCheck.Code);
        Assert.Equal(0x5UL, bugCheck.Parameter1);
        Assert.Equal((ulong)(b.Address - KernelPool.HeaderSize), bugCheck.Parameter4);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(LargerThanLookaside)]
    public void Allocate_TakingAFreeBlockWhoseHeaderWasOverrun_RaisesDriverCorruptedExpool(int size)
    {
        var a = Allocate(_pool, size, Ntmf, NotMyFault);
        var b = Allocate(_pool, size, Sens, Sensor);
        Allocate(_pool, size, Byst, Bystander);
        _pool.Free(b, Sens, Sensor);
        a.Write(size, Overrun(16));

        var bugCheck = Assert.Throws<BugCheckException>(() => _pool.Allocate(size, Byst, Bystander));

        AssertBugCheck(bugCheck, BugCheckCode.DriverCorruptedExpool, (ulong)(b.Address - KernelPool.HeaderSize), 2, 0, 0);
        Assert.Equal(new PoolCorruption(b.Address, null, null, a.Address, Ntmf, NotMyFault), PoolCorruption.Of(bugCheck));
    }

    [Fact]
    public void Allocate_SplittingTheFreeRestOfTheArenaAfterAnOverrun_RaisesDriverCorruptedExpool()
    {
        var a = Allocate(_pool, 64, Ntmf, NotMyFault);
        a.Write(64, Overrun(16));

        var bugCheck = Assert.Throws<BugCheckException>(() => _pool.Allocate(32, Sens, Sensor));

        Assert.Equal(BugCheckCode.DriverCorruptedExpool, bugCheck.Code);
        Assert.Equal((ulong)(a.Address + 64), bugCheck.Parameter1);
        Assert.Equal(new PoolCorruption(a.Address + 64 + KernelPool.HeaderSize, null, null, a.Address, Ntmf, NotMyFault), PoolCorruption.Of(bugCheck));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(LargerThanLookaside)]
    public void Allocate_AfterAWriteToAFreedBlockBrokeTheFreeList_RaisesDriverCorruptedExpool(int size)
    {
        var a = Allocate(_pool, size, Ntmf, NotMyFault);
        Allocate(_pool, size, Byst, Bystander);
        var b = Allocate(_pool, size, Ntmf, NotMyFault);
        Allocate(_pool, size, Byst, Bystander);
        _pool.Free(b, Ntmf, NotMyFault);
        _pool.Free(a, Ntmf, NotMyFault);
        a.Write(0, Overrun(8));

        var bugCheck = Assert.Throws<BugCheckException>(() => _pool.Allocate(size, Sens, Sensor));

        Assert.Equal(BugCheckCode.DriverCorruptedExpool, bugCheck.Code);
        Assert.Equal((ulong)(a.Address - KernelPool.HeaderSize), bugCheck.Parameter1);
        Assert.Contains("free-list links", bugCheck.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(LargerThanLookaside)]
    public void Free_NextToAFreeBlockWhoseLinksWereOverwritten_RaisesBadPoolHeaderListCorrupted(int size)
    {
        var a = Allocate(_pool, size, Ntmf, NotMyFault);
        var b = Allocate(_pool, size, Sens, Sensor);
        Allocate(_pool, size, Byst, Bystander);
        _pool.Free(b, Sens, Sensor);
        a.Write(size + KernelPool.HeaderSize, Overrun(8));

        var bugCheck = Assert.Throws<BugCheckException>(() => _pool.Free(a, Ntmf, NotMyFault));

        var bEntry = (ulong)(b.Address - KernelPool.HeaderSize);
        Assert.Equal(BugCheckCode.BadPoolHeader, bugCheck.Code);
        Assert.Equal((0x3UL, bEntry), (bugCheck.Parameter1, bugCheck.Parameter2));
        Assert.NotEqual(bEntry, bugCheck.Parameter3);
        Assert.Equal(new PoolCorruption(b.Address, null, null, a.Address, Ntmf, NotMyFault), PoolCorruption.Of(bugCheck));
    }

    [Fact]
    public void Free_Twice_RaisesBadPoolCallerDoubleFree()
    {
        var a = Allocate(_pool, 64, Ntmf, NotMyFault);
        _pool.Free(a, Ntmf, NotMyFault);

        var bugCheck = Assert.Throws<BugCheckException>(() => _pool.Free(a, Ntmf, NotMyFault));

        Assert.Equal((BugCheckCode.BadPoolCaller, 0x07UL, (ulong)a.Address), (bugCheck.Code, bugCheck.Parameter1, bugCheck.Parameter4));
        Assert.Null(PoolCorruption.Of(bugCheck));
    }

    [Fact]
    public void Free_TwiceAfterAnotherOwnerReusedTheMemory_RaisesDoubleFreeAndLeavesTheNewBlockAllocated()
    {
        var a = Allocate(_pool, 64, Ntmf, NotMyFault);
        _pool.Free(a, Ntmf, NotMyFault);
        var b = Allocate(_pool, 64, Ntmf, Sensor);

        var bugCheck = Assert.Throws<BugCheckException>(() => _pool.Free(a, Ntmf, NotMyFault));

        Assert.Equal(a.Address, b.Address);
        Assert.Equal((BugCheckCode.BadPoolCaller, 0x07UL), (bugCheck.Code, bugCheck.Parameter1));
        Assert.Equal([b.Address], _pool.Outstanding(Sensor).Select(o => o.Address));
    }

    [Fact]
    public void Free_WithAnotherTag_RaisesBadPoolCallerWrongTagAndKeepsTheBlock()
    {
        var a = Allocate(_pool, 64, Ntmf, NotMyFault);

        var bugCheck = Assert.Throws<BugCheckException>(() => _pool.Free(a, Sens, NotMyFault));

        AssertBugCheck(bugCheck, BugCheckCode.BadPoolCaller, 0x0A, (ulong)a.Address, Ntmf, Sens);
        Assert.Single(_pool.Outstanding(NotMyFault));
    }

    [Fact]
    public void Free_OfABlockFromAnotherPool_RaisesBadPoolCallerNotInPool()
    {
        using var other = new KernelPool(Capacity);
        var foreign = Allocate(other, 64, Ntmf, NotMyFault);

        var bugCheck = Assert.Throws<BugCheckException>(() => _pool.Free(foreign, Ntmf, NotMyFault));

        AssertBugCheck(bugCheck, BugCheckCode.BadPoolCaller, 0x42, (ulong)foreign.Address, 0, 0);
    }

    [Fact]
    public void Free_OfAPoolBlockThePoolNeverHandedOut_RaisesBadPoolCallerNotInPool()
    {
        var bugCheck = Assert.Throws<BugCheckException>(() => _pool.Free(new CounterfeitBlock(), Ntmf, NotMyFault));

        AssertBugCheck(bugCheck, BugCheckCode.BadPoolCaller, 0x42, 0, 0, 0);
        Assert.Contains(nameof(CounterfeitBlock), bugCheck.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_OutsideTheArena_RaisesPageFaultInNonpagedArea()
    {
        var a = Allocate(_pool, 64, Ntmf, NotMyFault);

        var straddling = Capacity - KernelPool.HeaderSize - 2;
        var bugCheck = Assert.Throws<BugCheckException>(() => a.Write(straddling, Overrun(4)));
        var underrun = Assert.Throws<BugCheckException>(() => a.Read(-64, new byte[4]));

        var end = (ulong)(a.Address - KernelPool.HeaderSize + Capacity);
        AssertBugCheck(bugCheck, BugCheckCode.PageFaultInNonpagedArea, end, 1, 0, 0);
        AssertBugCheck(underrun, BugCheckCode.PageFaultInNonpagedArea, (ulong)(a.Address - 64), 0, 0, 0);
    }

    [Fact]
    public void Write_PastTheEndUnderSpecialPool_RaisesBeyondEndOfAllocationAtTheWriteNamingTheWriter()
    {
        using var pool = new KernelPool(Capacity, specialPoolOwners: [NotMyFault]);
        var a = Allocate(pool, 64, Ntmf, NotMyFault);
        var b = Allocate(pool, 64, Sens, Sensor);

        var bugCheck = Assert.Throws<BugCheckException>(() => a.Write(60, Overrun(16)));

        AssertBugCheck(bugCheck, BugCheckCode.DriverPageFaultBeyondEndOfAllocation, (ulong)(a.Address + 64), 1, 0, 0);
        Assert.Contains("owner 1", bugCheck.Message, StringComparison.Ordinal);
        Assert.True(a.IsSpecialPool);
        pool.Free(b, Sens, Sensor);
        pool.Free(a, Ntmf, NotMyFault);
        Assert.Empty(pool.Outstanding(Sensor));
    }

    [Fact]
    public void Read_PastTheEndUnderSpecialPool_RaisesBeyondEndOfAllocationForARead()
    {
        using var pool = new KernelPool(Capacity, specialPoolOwners: [NotMyFault]);
        var a = Allocate(pool, 10, Ntmf, NotMyFault);
        a.Write(0, Pattern(10, seed: 3));

        var bugCheck = Assert.Throws<BugCheckException>(() => a.Read(0, new byte[11]));

        AssertBugCheck(bugCheck, BugCheckCode.DriverPageFaultBeyondEndOfAllocation, (ulong)(a.Address + 10), 0, 0, 0);
    }

    [Fact]
    public void Write_PastTheEndByAnOwnerNotUnderSpecialPool_StaysUnchecked()
    {
        using var pool = new KernelPool(Capacity, specialPoolOwners: [Sensor]);
        var a = Allocate(pool, 64, Ntmf, NotMyFault);
        var b = Allocate(pool, 64, Sens, Sensor);

        a.Write(64, Overrun(16));

        Assert.False(a.IsSpecialPool);
        Assert.True(b.IsSpecialPool);
        Assert.Equal(BugCheckCode.BadPoolHeader, Assert.Throws<BugCheckException>(() => pool.Free(b, Sens, Sensor)).Code);
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
