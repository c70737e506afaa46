namespace LastKnownGood.Kernel;

/// <summary>
/// Deadlock detection (DESIGN §11), as Windows' Driver Verifier does it: the kernel locks each
/// thread holds, and one graph of the orders in which locks have ever been taken. Acquiring B
/// while holding A records A → B. If B → … → A is already recorded, two threads taking the locks
/// in these two orders can deadlock, whether or not they ever have: that is 0xC4 p1 0x1001,
/// raised before the thread blocks. Acquiring a lock the thread already holds is 0xC4 p1 0x1000.
/// </summary>
/// <remarks>
/// Thread-safe: one lock guards the graph and the held lists, so two threads inverting an order
/// at the same moment cannot both miss it; the second to record its edge finds the first's.
/// Only locks of drivers under deadlock detection are in the graph. Edges are never forgotten,
/// as in Windows; a lock lives in the graph until the kernel ends.
/// </remarks>
internal sealed class LockOrderGraph
{
    private readonly Lock _gate = new();
    private readonly Dictionary<KernelLock, HashSet<KernelLock>> _takenAfter = [];
    private readonly Dictionary<int, List<KernelLock>> _held = [];
    private int _locks;

    /// <summary>A number for a new lock, for the bug check's parameters.</summary>
    public int Register() => Interlocked.Increment(ref _locks);

    /// <summary>
    /// Checks that <paramref name="thread"/> may wait for <paramref name="next"/> and records the
    /// order against every lock it holds.
    /// </summary>
    /// <exception cref="BugCheckException">0xC4 p1 0x1000 or 0x1001; nothing is recorded then.</exception>
    public void Acquiring(KernelLock next, int thread)
    {
        lock (_gate)
        {
            var held = _held.TryGetValue(thread, out var list) ? list : [];
            if (held.Contains(next))
            {
                throw new BugCheckException(BugCheckCode.DriverVerifierDetectedViolation, VerifierViolation.LockAcquiredRecursively, (ulong)next.Number, 0, 0,
                    $"DRIVER_VERIFIER_DETECTED_VIOLATION: {next.DriverName} acquires the lock {next} on a thread that already holds it: the thread " +
                    "waits for itself forever. Release a kernel lock before acquiring it again; kernel locks are not reentrant.");
            }

            foreach (var holding in held)
            {
                if (PathOf(next, holding) is { } path)
                {
                    throw new BugCheckException(BugCheckCode.DriverVerifierDetectedViolation, VerifierViolation.LockHierarchyViolation,
                        (ulong)next.Number, (ulong)holding.Number, 0,
                        $"DRIVER_VERIFIER_DETECTED_VIOLATION: {next.DriverName} acquires the lock {next} while holding {holding}, but {string.Join(" → ", path)} " +
                        "was taken in that order before: two threads taking these locks in opposite orders deadlock. Take the locks in one order everywhere.");
                }
            }

            foreach (var holding in held)
            {
                if (!_takenAfter.TryGetValue(holding, out var after))
                {
                    _takenAfter[holding] = after = [];
                }

                after.Add(next);
            }
        }
    }

    /// <summary><paramref name="thread"/> now holds <paramref name="taken"/>.</summary>
    public void Acquired(KernelLock taken, int thread)
    {
        lock (_gate)
        {
            if (!_held.TryGetValue(thread, out var held))
            {
                _held[thread] = held = [];
            }

            held.Add(taken);
            taken.Holder = thread;
        }
    }

    /// <summary>The lock is released, by whichever thread: it leaves the list of the thread that took it.</summary>
    public void Released(KernelLock released)
    {
        lock (_gate)
        {
            if (released.Holder is { } thread && _held.TryGetValue(thread, out var held))
            {
                held.Remove(released);
                if (held.Count == 0)
                {
                    _held.Remove(thread);
                }
            }

            released.Holder = null;
        }
    }

    /// <summary>A recorded order <paramref name="from"/> → … → <paramref name="to"/>, or null; depth first, each lock visited once.</summary>
    private List<KernelLock>? PathOf(KernelLock from, KernelLock to)
    {
        var cameFrom = new Dictionary<KernelLock, KernelLock?> { [from] = null };
        var pending = new Stack<KernelLock>([from]);
        while (pending.TryPop(out var current))
        {
            if (current == to)
            {
                var path = new List<KernelLock>();
                for (KernelLock? step = current; step is not null; step = cameFrom[step])
                {
                    path.Add(step);
                }

                path.Reverse();
                return path;
            }

            foreach (var next in _takenAfter.GetValueOrDefault(current) ?? [])
            {
                if (cameFrom.TryAdd(next, current))
                {
                    pending.Push(next);
                }
            }
        }

        return null;
    }
}
