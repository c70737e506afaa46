using System.Runtime.InteropServices;
using LastKnownGood.Kernel.Pool.Internal;

namespace LastKnownGood.Kernel.Pool;

/// <summary>
/// The kernel's shared pool, as <c>ExAllocatePoolWithTag</c> gives Windows drivers: one arena of
/// native memory cut into adjacent blocks, each behind an in-band header (size, previous size, tag,
/// owner, state). A driver that writes past its block damages the next block's header, and the
/// damage is found later, by whoever next touches that block: a free of it or of its neighbour, or
/// an allocation that takes or splits it. The bug check then blames the wrong caller, as in Windows;
/// the <see cref="PoolCorruption"/> it carries names the damaged block's owner and the owner of the
/// block before it. See docs/pool.md.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Allocate"/>, <see cref="Free"/> and <see cref="Outstanding"/> are safe to call from
/// any thread (one lock). Driver mistakes never surface as ordinary exceptions: they raise a
/// <see cref="BugCheckException"/>, which the kernel's boundary turns into a crash. Running out of
/// pool is not a mistake: <see cref="Allocate"/> returns null, which the kernel reports as
/// STATUS_INSUFFICIENT_RESOURCES.
/// </para>
/// <para>
/// Dispose the pool only once no driver can touch a block any more: blocks are raw native memory,
/// and a block access racing with <see cref="Dispose"/> can read or write freed memory.
/// </para>
/// </remarks>
public sealed unsafe partial class KernelPool : IDisposable
{
    public const int DefaultCapacity = 16 * 1024 * 1024;

    public const int MinimumCapacity = 4096;

    /// <summary>The size of the header in front of every block.</summary>
    public const int HeaderSize = PoolHeader.Size;

    /// <summary>Owner ids are stored in 16 bits of the header, as Windows stores its pool index.</summary>
    public const int MaximumOwnerId = ushort.MaxValue;

    /// <summary>Blocks start, and their sizes are counted, in 16-byte granules; data is 16-byte aligned.</summary>
    internal const int Granularity = 16;

    /// <summary>A header and room for the free-list links a block holds once it is free.</summary>
    internal const int MinimumBlockSize = PoolHeader.Size + Granularity;

    internal const int NoBlock = -1;

    /// <summary>Tracking slots to start with: enough for the first 32 KiB of the arena.</summary>
    private const int InitialTracking = 1024;

    private readonly PoolSpinLock _lock = new();
    private readonly byte* _base;
    private readonly int _capacity;
    private readonly SpecialPool _special = new();

    /// <summary>Replaced, never changed, when an owner is added: <see cref="Allocate"/> reads it without the lock.</summary>
    private HashSet<int> _specialPoolOwners;

    /// <summary>
    /// Pool tracking: the block in use that starts in each <see cref="MinimumBlockSize"/> bytes of
    /// the arena (no two blocks can), or null. Kept apart from the arena, so an overrun cannot reach it.
    /// It covers the arena only as far as blocks have been allocated, and doubles when one starts
    /// beyond: sized for the whole arena at once it would be a quarter of the arena's size, zeroed at
    /// every kernel start.
    /// </summary>
    private KernelPoolBlock?[] _live = new KernelPoolBlock?[InitialTracking];

    private long _allocations;
    private volatile bool _disposed;

    /// <summary>Reserves the arena and makes it one free block.</summary>
    /// <param name="capacity">The arena's size in bytes, rounded down to 16; at least <see cref="MinimumCapacity"/>.</param>
    /// <param name="specialPoolOwners">Owners whose blocks come from special pool (the verifier's <c>--special-pool</c>); none by default.</param>
    public KernelPool(int capacity = DefaultCapacity, IEnumerable<int>? specialPoolOwners = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, MinimumCapacity);
        _capacity = capacity & ~(Granularity - 1);
        _specialPoolOwners = [.. specialPoolOwners ?? []];
        _base = (byte*)NativeMemory.AlignedAlloc((nuint)_capacity, Granularity);
        // Loops, not Array.Fill: that, over int, is compiled just in time at every start of the kernel.
        for (var i = 0; i < _binHeads.Length; i++)
        {
            _binHeads[i] = NoBlock;
        }

        for (var i = 0; i < _lookasideHeads.Length; i++)
        {
            _lookasideHeads[i] = NoBlock;
        }

        Header(0) = new PoolHeader { PreviousSize = 0, BlockSize = _capacity, State = PoolBlockState.Free };
        InsertFree(0);
    }

    /// <summary>The arena's size in bytes, headers included.</summary>
    public int Capacity => _capacity;

    /// <summary>
    /// Puts <paramref name="ownerId"/> under special pool from its next allocation on; its blocks
    /// already allocated stay where they are. The kernel calls this before a verified driver's
    /// <c>DriverEntry</c>, so all its blocks sit against guard pages.
    /// </summary>
    public void AddSpecialPoolOwner(int ownerId)
    {
        _lock.Enter();
        try
        {
            _specialPoolOwners = [.. _specialPoolOwners, ownerId];
        }
        finally
        {
            _lock.Exit();
        }
    }

    /// <summary>
    /// The blocks <paramref name="ownerId"/> holds, in the arena and in special pool, oldest first:
    /// pool tracking, for the kernel to report leaks when a driver unloads.
    /// </summary>
    public IReadOnlyList<PoolAllocation> Outstanding(int ownerId)
    {
        var outstanding = new List<KernelPoolBlock>();
        _lock.Enter();
        try
        {
            foreach (var block in _live)
            {
                if (block?.OwnerId == ownerId)
                {
                    outstanding.Add(block);
                }
            }
        }
        finally
        {
            _lock.Exit();
        }

        outstanding.AddRange(_special.Outstanding(ownerId));
        outstanding.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return outstanding.ConvertAll(block => block.ToAllocation());
    }

    /// <summary>Releases the arena. Every block becomes unusable; see the remarks on the class.</summary>
    public void Dispose()
    {
        _lock.Enter();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            NativeMemory.AlignedFree(_base);
            _special.Dispose();
        }
        finally
        {
            _lock.Exit();
        }
    }

    /// <summary>
    /// Where a block access goes: unchecked within the arena, except for special pool blocks, whose
    /// accesses must stay within the allocation.
    /// </summary>
    internal byte* Locate(KernelPoolBlock block, int offset, int length, PoolAccess access)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (block.IsSpecialPool)
        {
            return LocateSpecial(block, offset, length, access);
        }

        var start = (long)block.DataOffset + offset;
        if (start < 0 || start + length > _capacity)
        {
            throw PageFault(block, offset, length, start < 0 ? start : Math.Max(start, _capacity), access);
        }

        return _base + start;
    }

    /// <summary>A special pool access is checked before it touches memory: through the SDK, the guard page is never reached.</summary>
    private byte* LocateSpecial(KernelPoolBlock block, int offset, int length, PoolAccess access)
    {
        var special = _special.SlotOf(block);
        if (special.Freed)
        {
            throw FreedSpecialPoolAccess(block, offset, length, access);
        }

        if (offset < 0 || (long)offset + length > block.Size)
        {
            throw BeyondEndOfAllocation(block, offset, length, access);
        }

        return (byte*)special.Data + offset;
    }

    /// <summary>The address of a special pool block's data, outside the arena.</summary>
    internal nint SpecialAddressOf(KernelPoolBlock block) => _special.SlotOf(block).Data;

    private ref PoolHeader Header(int offset) => ref *(PoolHeader*)(_base + offset);

    private ref FreeLinks Links(int offset) => ref *(FreeLinks*)(_base + offset + PoolHeader.Size);

    /// <summary>The address of the header at <paramref name="offset"/>: a "pool entry" in Windows' bug check parameters.</summary>
    private ulong EntryAddress(long offset) => (ulong)(_base + offset);

    /// <summary>The address of the data of the block whose header is at <paramref name="offset"/>.</summary>
    internal nint DataAddress(int offset) => (nint)(_base + offset + PoolHeader.Size);

    /// <summary>The tracking slot for a block about to be handed out at <paramref name="offset"/>, growing the table to reach it.</summary>
    private ref KernelPoolBlock? TrackingSlot(int offset)
    {
        var index = offset / MinimumBlockSize;
        if (index >= _live.Length)
        {
            Array.Resize(ref _live, Math.Min(Math.Max(index + 1, _live.Length * 2), _capacity / MinimumBlockSize));
        }

        return ref _live[index];
    }

    /// <summary>The tracked block at <paramref name="offset"/> of the arena, or null.</summary>
    private KernelPoolBlock? Tracked(int offset) => offset / MinimumBlockSize is var index && index < _live.Length ? _live[index] : null;

    /// <summary>The block in use whose header is at <paramref name="offset"/>, from tracking; null for a free block or any other offset.</summary>
    private KernelPoolBlock? LiveAt(int offset) =>
        offset >= 0 && Tracked(offset) is { } block && block.HeaderOffset == offset ? block : null;
}
