using System.Runtime.InteropServices;

namespace LastKnownGood.Kernel.Pool.Internal;

/// <summary>
/// The 16 bytes in front of every pool block, in the order of Windows' x64 <c>POOL_HEADER</c>:
/// previous block's size first, then this block's size, the tag, and (ours) the owner and the state.
/// Blocks are adjacent, so the first bytes a driver writes past its block land here, in the next block's header.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = Size)]
internal struct PoolHeader
{
    public const int Size = 16;

    /// <summary>Size in bytes of the block just before this one; 0 for the first block of the arena.</summary>
    public int PreviousSize;

    /// <summary>Size in bytes of this block, header included; a multiple of <see cref="KernelPool.Granularity"/>.</summary>
    public int BlockSize;

    public uint Tag;

    public ushort OwnerId;

    public PoolBlockState State;

    /// <summary>The header's first 8 bytes as one value, as Windows reports "pool header contents".</summary>
    public readonly ulong Contents => (uint)PreviousSize | ((ulong)(uint)BlockSize << 32);
}
