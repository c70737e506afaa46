namespace LastKnownGood.Kernel.Pool.Internal;

/// <summary>
/// Where a special pool block lives: its own pages, then a guard page. <see cref="Data"/> is
/// placed so that the block's last byte is the last byte before the guard page.
/// </summary>
/// <param name="Start">The first of the slot's pages.</param>
/// <param name="DataPages">How many pages the data spans; the guard page follows them.</param>
/// <param name="Data">The block's first data byte.</param>
internal sealed record SpecialPoolSlot(nint Start, int DataPages, nint Data)
{
    private volatile bool _freed;

    /// <summary>Set once the block is freed: its pages are inaccessible from then on, and may hold another block later.</summary>
    public bool Freed
    {
        get => _freed;
        set => _freed = value;
    }
}
