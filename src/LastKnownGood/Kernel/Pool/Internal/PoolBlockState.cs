namespace LastKnownGood.Kernel.Pool.Internal;

/// <summary>
/// The state word of a <see cref="PoolHeader"/>. Any other value means the header was overwritten;
/// the values are unlikely bytes so that a stray write of text or small numbers never forms one.
/// </summary>
internal enum PoolBlockState : ushort
{
    Allocated = 0xA10C,

    /// <summary>Free, on a bin.</summary>
    Free = 0xF4EE,

    /// <summary>Freed onto a lookaside list: free, but not on a bin and not merged with its neighbours.</summary>
    Lookaside = 0xCAC4,
}
