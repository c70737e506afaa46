using LastKnownGood.Kernel;
using LastKnownGood.Kernel.Pool;

namespace LastKnownGood.Tests.Kernel.Pool;

/// <summary>Special pool: blocks against guard pages, outside the arena, and what their misuse raises.</summary>
public sealed partial class KernelPoolTests
{
    private static readonly int PageSize = Environment.SystemPageSize;

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(4096)]
    [InlineData(5000)]
    public void Allocate_UnderSpecialPool_EndsTheDataExactlyAtAPageBoundary_OutsideTheArena(int size)
    {
        using var pool = new KernelPool(Capacity, specialPoolOwners: [NotMyFault]);
        var arena = Allocate(pool, 64, Sens, Sensor);

        var block = Allocate(pool, size, Ntmf, NotMyFault);

        Assert.True(block.IsSpecialPool);
        Assert.Equal(0, (block.Address + size) % PageSize);
        Assert.False(block.Address >= arena.Address - KernelPool.HeaderSize && block.Address < arena.Address - KernelPool.HeaderSize + Capacity,
            "a special pool block is not in the arena");
        var data = Pattern(size, seed: 7);
        block.Write(0, data);
        AssertHolds(block, data);
    }

    [Fact]
    public void Write_PastTheEndUnderSpecialPool_CarriesTheOverrunBlockAsPoolEvidence_WithNoSuspectBeforeIt()
    {
        using var pool = new KernelPool(Capacity, specialPoolOwners: [NotMyFault]);
        var block = Allocate(pool, 64, Ntmf, NotMyFault);

        var bugCheck = Assert.Throws<BugCheckException>(() => block.Write(0, Overrun(96)));

        AssertBugCheck(bugCheck, BugCheckCode.DriverPageFaultBeyondEndOfAllocation, (ulong)(block.Address + 64), 1, 0, 0);
        Assert.Equal(new PoolCorruption(block.Address, Ntmf, NotMyFault, null, null, null), PoolCorruption.Of(bugCheck));
    }

    [Fact]
    public void Free_OfASpecialPoolBlock_MakesLaterAccessesAPageFault_AndASecondFreeABadPoolCaller()
    {
        using var pool = new KernelPool(Capacity, specialPoolOwners: [NotMyFault]);
        var block = Allocate(pool, 64, Ntmf, NotMyFault);
        pool.Free(block, Ntmf, NotMyFault);

        var write = Assert.Throws<BugCheckException>(() => block.Write(0, Overrun(1)));
        var secondFree = Assert.Throws<BugCheckException>(() => pool.Free(block, Ntmf, NotMyFault));

        AssertBugCheck(write, BugCheckCode.PageFaultInNonpagedArea, (ulong)block.Address, 1, 0, 0);
        AssertBugCheck(secondFree, BugCheckCode.BadPoolCaller, 0x07, 0, 0, (ulong)block.Address);
        Assert.Empty(pool.Outstanding(NotMyFault));
    }

    [Fact]
    public void Free_OfASpecialPoolBlockWithAnotherTag_IsBadPoolCaller_AndTheBlockStaysLive()
    {
        using var pool = new KernelPool(Capacity, specialPoolOwners: [NotMyFault]);
        var block = Allocate(pool, 64, Ntmf, NotMyFault);

        var bugCheck = Assert.Throws<BugCheckException>(() => pool.Free(block, Sens, NotMyFault));

        AssertBugCheck(bugCheck, BugCheckCode.BadPoolCaller, 0x0A, (ulong)block.Address, Ntmf, Sens);
        Assert.Equal([block.Address], pool.Outstanding(NotMyFault).Select(a => a.Address));
    }

    [Fact]
    public void Allocate_AfterAFree_ReusesTheFreedSlotZeroed_WhileTheStaleBlockStillFaults()
    {
        using var pool = new KernelPool(Capacity, specialPoolOwners: [NotMyFault]);
        var first = Allocate(pool, 64, Ntmf, NotMyFault);
        first.Write(0, Pattern(64, seed: 1));
        pool.Free(first, Ntmf, NotMyFault);

        var second = Allocate(pool, 64, Ntmf, NotMyFault);

        Assert.Equal(first.Address, second.Address);
        AssertHolds(second, new byte[64]);
        Assert.Equal(BugCheckCode.PageFaultInNonpagedArea, Assert.Throws<BugCheckException>(() => first.Read(0, new byte[1])).Code);
        Assert.Equal(BugCheckCode.BadPoolCaller, Assert.Throws<BugCheckException>(() => pool.Free(first, Ntmf, NotMyFault)).Code);
        pool.Free(second, Ntmf, NotMyFault);
    }

    [Fact]
    public void Outstanding_ListsSpecialPoolAndArenaBlocksTogether_OldestFirst()
    {
        using var pool = new KernelPool(Capacity);
        var inArena = Allocate(pool, 64, Ntmf, NotMyFault);
        pool.AddSpecialPoolOwner(NotMyFault);
        var special = Allocate(pool, 100, Ntmf, NotMyFault);
        var freed = Allocate(pool, 10, Ntmf, NotMyFault);
        pool.Free(freed, Ntmf, NotMyFault);

        var outstanding = pool.Outstanding(NotMyFault);

        Assert.False(inArena.IsSpecialPool);
        Assert.True(special.IsSpecialPool);
        Assert.Equal([(inArena.Address, 64), (special.Address, 100)], outstanding.Select(a => (a.Address, a.Size)));
    }
}
