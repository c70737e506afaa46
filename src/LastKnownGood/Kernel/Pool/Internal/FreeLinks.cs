namespace LastKnownGood.Kernel.Pool.Internal;

/// <summary>
/// The free-list links of a free block. As in Windows, they live in the block's data area, so a
/// driver that writes to a block after freeing it breaks the list, and the next allocation or
/// free that follows the links finds the damage.
/// </summary>
internal struct FreeLinks
{
    /// <summary>Offset of the next free block's header in the same bin or lookaside list, or <see cref="KernelPool.NoBlock"/>.</summary>
    public int Flink;

    /// <summary>Offset of the previous free block's header in the same bin, or <see cref="KernelPool.NoBlock"/> at the head; unused on a lookaside list, which is singly linked.</summary>
    public int Blink;
}
