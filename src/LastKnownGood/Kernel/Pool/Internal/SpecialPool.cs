using System.Diagnostics;
using System.Runtime.CompilerServices;
using LastKnownGood.Internal;

namespace LastKnownGood.Kernel.Pool.Internal;

/// <summary>
/// The verifier's special pool (DESIGN §11): every block on pages of its own in a region apart
/// from the arena, its data ending exactly where a never-accessible guard page begins, so that a
/// raw access one byte past the end faults in hardware. <see cref="KernelPoolBlock"/> accesses are
/// checked against the size before they touch memory, so through the SDK an overrun is a bug
/// check, never a signal.
/// </summary>
/// <remarks>
/// The region is address space reserved on the first allocation (<see cref="ReservationSize"/>,
/// inaccessible and uncommitted) and cut into slots from its start. A freed slot's pages are made
/// inaccessible again and given back to the system, and slots are reused oldest-freed first, as
/// Windows does, so a stale pointer keeps faulting for as long as possible. Thread-safe: one lock,
/// held across the system calls, which is why this is not the arena's spin lock.
/// </remarks>
internal sealed class SpecialPool : IDisposable
{
    /// <summary>Address space, not memory: pages are committed only while a block uses them.</summary>
    public const long ReservationSize = 256L << 20;

    private static readonly int PageSize = Environment.SystemPageSize;

    private readonly Lock _lock = new();
    private readonly Dictionary<int, Queue<nint>> _freeSlots = [];
    private readonly Dictionary<nint, KernelPoolBlock> _live = [];

    /// <summary>Every special pool block's slot, for as long as the block object lives; read without the lock.</summary>
    private readonly ConditionalWeakTable<KernelPoolBlock, SpecialPoolSlot> _slots = new();
    private nint _region;
    private long _used;
    private bool _disposed;

    /// <summary>A block of <paramref name="size"/> bytes against a guard page, or null when the region is used up.</summary>
    public KernelPoolBlock? Allocate(KernelPool pool, int size, uint tag, int ownerId, long sequence)
    {
        var dataPages = (int)(((long)size + PageSize - 1) / PageSize);
        var length = (nuint)dataPages * (nuint)PageSize;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (TakeSlot(dataPages + 1) is not { } start)
            {
                return null;
            }

            if (Libc.Protect(start, length, Libc.ProtectReadWrite) != 0)
            {
                _freeSlots[dataPages + 1].Enqueue(start);
                return null;
            }

            var slot = new SpecialPoolSlot(start, dataPages, start + (nint)length - size);
            var block = new KernelPoolBlock(pool, KernelPool.NoBlock, (dataPages + 1) * PageSize, size, tag, ownerId, isSpecialPool: true, sequence);
            _slots.Add(block, slot);
            _live.Add(slot.Data, block);
            return block;
        }
    }

    /// <summary>Frees a live block: its pages become inaccessible and are given back; its slot waits for reuse.</summary>
    public SpecialPoolRelease Release(KernelPoolBlock block, uint tag)
    {
        var slot = SlotOf(block);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_live.TryGetValue(slot.Data, out var live) || live != block)
            {
                return SpecialPoolRelease.NotLive;
            }

            if (tag != block.Tag)
            {
                return SpecialPoolRelease.WrongTag;
            }

            _live.Remove(slot.Data);
            slot.Freed = true;
            var length = (nuint)slot.DataPages * (nuint)PageSize;
            _ = Libc.Protect(slot.Start, length, Libc.ProtectNone);
            _ = Libc.Advise(slot.Start, length, Libc.AdviseDontNeed);
            _freeSlots[slot.DataPages + 1].Enqueue(slot.Start);
            return SpecialPoolRelease.Released;
        }
    }

    /// <summary>Where a block of this special pool lives, freed or not.</summary>
    public SpecialPoolSlot SlotOf(KernelPoolBlock block) =>
        _slots.TryGetValue(block, out var slot) ? slot : throw new UnreachableException("Every special pool block is given a slot when it is allocated.");

    /// <summary>The live blocks of <paramref name="ownerId"/>, in no particular order.</summary>
    public IEnumerable<KernelPoolBlock> Outstanding(int ownerId)
    {
        lock (_lock)
        {
            return [.. _live.Values.Where(block => block.OwnerId == ownerId)];
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (!_disposed && _region != 0)
            {
                _ = Libc.Unmap(_region, (nuint)ReservationSize);
            }

            _disposed = true;
        }
    }

    /// <summary>A slot of <paramref name="pages"/> pages, all inaccessible: a freed one of that size, else the next unused stretch.</summary>
    private nint? TakeSlot(int pages)
    {
        if (_freeSlots.TryGetValue(pages, out var free) && free.TryDequeue(out var reused))
        {
            return reused;
        }

        var length = (long)pages * PageSize;
        if (_region == 0)
        {
            var region = Libc.Map(0, (nuint)ReservationSize, Libc.ProtectNone, Libc.MapPrivateAnonymousNoReserve, -1, 0);
            if (region == Libc.MapFailed)
            {
                return null;
            }

            _region = region;
        }

        if (_used + length > ReservationSize)
        {
            return null;
        }

        var start = _region + (nint)_used;
        _used += length;
        if (!_freeSlots.ContainsKey(pages))
        {
            _freeSlots[pages] = new Queue<nint>();
        }

        return start;
    }
}
