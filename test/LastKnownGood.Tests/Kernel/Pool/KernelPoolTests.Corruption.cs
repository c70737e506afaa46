using LastKnownGood.Kernel;
using LastKnownGood.Kernel.Pool;

namespace LastKnownGood.Tests.Kernel.Pool;

/// <summary>Damage and misuse: overruns found later by their neighbours, bad callers, special pool.</summary>
public sealed partial class KernelPoolTests
{
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
    public void Write_PastTheEndByAnOwnerNotUnderSpecialPool_StaysUnchecked_AndDamagesItsArenaNeighbourOnly()
    {
        using var pool = new KernelPool(Capacity, specialPoolOwners: [Sensor]);
        var a = Allocate(pool, 64, Ntmf, NotMyFault);
        var b = Allocate(pool, 64, Sens, Sensor);
        var c = Allocate(pool, 64, Byst, Bystander);

        a.Write(64, Overrun(16));

        Assert.False(a.IsSpecialPool);
        Assert.True(b.IsSpecialPool);
        pool.Free(b, Sens, Sensor);
        Assert.Equal(BugCheckCode.BadPoolHeader, Assert.Throws<BugCheckException>(() => pool.Free(c, Byst, Bystander)).Code);
    }
}
