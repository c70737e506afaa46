using LastKnownGood.Kernel.Pool.Internal;

namespace LastKnownGood.Kernel.Pool;

/// <summary>
/// A block of a <see cref="KernelPool"/>. Reads and writes are plain native copies at the block's
/// address plus the offset, with no check against <see cref="Size"/>: a write past the end lands in
/// the next block's header or data, as in kernel mode. Only an access outside the whole arena
/// faults (bug check 0x50). A block of an owner under special pool lives outside the arena, against
/// a guard page, and checks every access against <see cref="Size"/>: an overrun raises bug check
/// 0xD6 at the faulting access instead.
/// </summary>
/// <remarks>
/// Reads and writes take no lock, like memory: two threads writing one block race as they would
/// in a driver. A block stays readable and writable after it is freed (a use after free damages
/// whoever holds the memory next) until its pool is disposed; a freed special pool block does not
/// (bug check 0x50 at the access).
/// </remarks>
public sealed unsafe class KernelPoolBlock : PoolBlock
{
    internal KernelPoolBlock(KernelPool pool, int headerOffset, int blockSize, int size, uint tag, int ownerId, bool isSpecialPool, long sequence)
    {
        Pool = pool;
        HeaderOffset = headerOffset;
        BlockSize = blockSize;
        Size = size;
        Tag = tag;
        OwnerId = ownerId;
        IsSpecialPool = isSpecialPool;
        Sequence = sequence;
    }

    /// <summary>The size the owner asked for, in bytes; the block may be a little larger (16-byte granules).</summary>
    public override int Size { get; }

    public override uint Tag { get; }

    /// <summary>The owner that allocated the block.</summary>
    public int OwnerId { get; }

    /// <summary>The address of the block's first data byte; its header is the <see cref="KernelPool.HeaderSize"/> bytes before.</summary>
    public nint Address => IsSpecialPool ? Pool.SpecialAddressOf(this) : Pool.DataAddress(HeaderOffset);

    /// <summary>
    /// True when the owner runs under special pool: the block sits against a guard page, outside the
    /// arena, and accesses are bounds-checked. Where it sits is kept by the pool, not here: a field
    /// for it would make every block object 8 bytes larger.
    /// </summary>
    public bool IsSpecialPool { get; }

    internal KernelPool Pool { get; }

    /// <summary>Where the block's header is in the arena; <see cref="KernelPool.NoBlock"/> for a special pool block, which has none.</summary>
    internal int HeaderOffset { get; }

    internal int DataOffset => HeaderOffset + PoolHeader.Size;

    /// <summary>The block's size in the arena, header included, as its header should say.</summary>
    internal int BlockSize { get; }

    /// <summary>The allocation's number in its pool, counting from 1: pool tracking lists blocks oldest first.</summary>
    internal long Sequence { get; }

    public override void Write(int offset, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        var target = Pool.Locate(this, offset, data.Length, PoolAccess.Write);
        data.CopyTo(new Span<byte>(target, data.Length));
    }

    public override void Read(int offset, Span<byte> destination)
    {
        if (destination.IsEmpty)
        {
            return;
        }

        var source = Pool.Locate(this, offset, destination.Length, PoolAccess.Read);
        new ReadOnlySpan<byte>(source, destination.Length).CopyTo(destination);
    }

    internal PoolAllocation ToAllocation() => new(Address, Size, Tag, OwnerId);

    public override string ToString() => ToAllocation().ToString();
}
