namespace LastKnownGood.Kernel.Pool.Internal;

/// <summary>What <see cref="SpecialPool.Release"/> found; the pool turns the failures into BAD_POOL_CALLER.</summary>
internal enum SpecialPoolRelease
{
    Released,

    /// <summary>The block is not live: freed already (its slot may hold another block by now).</summary>
    NotLive,

    /// <summary>The tag given is not the block's; nothing was freed.</summary>
    WrongTag,
}
