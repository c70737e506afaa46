namespace LastKnownGood.Kernel.Pool.Internal;

/// <summary>The outcome of checking a block that should be free; anything but <see cref="Intact"/> is damage.</summary>
internal enum FreeBlockCheck
{
    Intact,
    StateDamaged,
    SizeDamaged,
    LinksDamaged,
}
