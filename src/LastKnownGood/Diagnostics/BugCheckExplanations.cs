namespace LastKnownGood.Diagnostics;

/// <summary>
/// What each stop code and its four parameters mean, as Windows documents them (the bug check
/// reference that <c>!analyze -v</c> quotes), in this runtime's terms. The one table of it:
/// screens and JSON both read it here. A code or subtype not in the table is explained as
/// "reserved" rather than guessed at.
/// </summary>
public static class BugCheckExplanations
{
    /// <summary>One sentence on what the stop code means.</summary>
    public static string Describe(BugCheckCode code) => code switch
    {
        BugCheckCode.KmodeExceptionNotHandled => "A kernel-mode driver's entry or callback raised an exception that nothing handled.",
        BugCheckCode.SystemThreadExceptionNotHandled => "A system thread (a driver's work item, timer or own thread) raised an exception that nothing handled.",
        BugCheckCode.PageFaultInNonpagedArea => "Invalid memory was referenced: a read or write outside what the driver owns (an index out of range, a bad pointer).",
        BugCheckCode.BadPoolHeader => "A pool block header is corrupt. The code that found it is rarely the code that damaged it.",
        BugCheckCode.BadPoolCaller => "The current thread made a bad pool request: a double free, a free of a foreign block, or a wrong tag.",
        BugCheckCode.DriverCorruptedExpool => "An allocation found the pool corrupt. The damage was done earlier, usually by an overrun of another block.",
        BugCheckCode.DriverPageFaultBeyondEndOfAllocation => "Special pool stopped an access beyond the end of a driver's allocation, at the access itself.",
        BugCheckCode.DriverVerifierDetectedViolation => "The driver verifier caught a driver breaking one of its rules.",
        BugCheckCode.ThreadStuckInDeviceDriver => "A driver call ran past the watchdog's deadline: the thread is stuck in the driver.",
        BugCheckCode.CriticalStructureCorruption => "A protected kernel structure (the dispatch table, the loaded-driver list) was modified.",
        BugCheckCode.CriticalProcessDied => "A process critical to the machine died.",
        BugCheckCode.BadSystemConfigInfo => "The hive is missing critical keys or cannot be read.",
        BugCheckCode.InaccessibleBootDevice => "A Critical boot-start driver failed to start in a Last Known Good boot: the machine cannot come up.",
        BugCheckCode.ManuallyInitiatedCrash => "The crash was initiated by hand (lkg crash), for a dump or a test.",
        _ => "A stop code this runtime does not document.",
    };

    /// <summary>The four parameters with their meanings for <paramref name="code"/>; missing parameters are 0.</summary>
    public static IReadOnlyList<BugCheckArgument> Explain(BugCheckCode code, IReadOnlyList<ulong> parameters)
    {
        var p = Enumerable.Range(0, 4).Select(i => i < parameters.Count ? parameters[i] : 0).ToArray();
        var meanings = Meanings(code, p);
        return [.. Enumerable.Range(0, 4).Select(i => new BugCheckArgument(i + 1, p[i], meanings[i]))];
    }

    private const string Reserved = "reserved";

    private static string[] Meanings(BugCheckCode code, ulong[] p) => code switch
    {
        BugCheckCode.KmodeExceptionNotHandled => ["the exception code that was not handled (the exception's HRESULT)", "the address where the exception occurred", "parameter 0 of the exception", "parameter 1 of the exception"],
        BugCheckCode.SystemThreadExceptionNotHandled => ["the exception code that was not handled (the exception's HRESULT)", "the address where the exception occurred", "the exception record", "the context record"],
        BugCheckCode.PageFaultInNonpagedArea => [p[0] == 0 ? "the address referenced: 0, a managed index or null reference does not say which" : "the address referenced",
            Access(p[1], write: [1, 2], execute: 0x10), "the faulting code: the address of the method that referenced the memory",
            p[3] == 0 ? "the fault type: 0, the page is not present (an access outside the object)" : $"the fault type: 0x{p[3]:X}"],
        BugCheckCode.BadPoolHeader => BadPoolHeader(p[0]),
        BugCheckCode.BadPoolCaller => BadPoolCaller(p[0]),
        BugCheckCode.DriverCorruptedExpool => ["the memory referenced", "the IRQL at the time of the reference", Access(p[2], write: [1], execute: null), "the address that referenced the memory"],
        BugCheckCode.DriverPageFaultBeyondEndOfAllocation => ["the memory referenced, beyond the end of the allocation", Access(p[1], write: [1], execute: null), "the address that referenced the memory, if known", Reserved],
        BugCheckCode.DriverVerifierDetectedViolation => Verifier(p[0]),
        BugCheckCode.ThreadStuckInDeviceDriver => ["the thread stuck in the driver", "the thread's device object (unused here: 0)", "the driver the thread is stuck in", "the number of times the watchdog caught it"],
        BugCheckCode.CriticalStructureCorruption => ["reserved", "reserved", "the address of the structure that was modified, if known", "the type of the structure (0 when the loaded-driver list or dispatch table fingerprint changed)"],
        BugCheckCode.CriticalProcessDied => ["the process that died (its process id)", "the signal that ended it, 0 if none", "its exit code", Reserved],
        BugCheckCode.BadSystemConfigInfo => ["the hive's key that failed (0 when the hive could not be opened)", "the value that failed, if any", "the status of the hive read", Reserved],
        BugCheckCode.InaccessibleBootDevice => ["the boot device (the driver that failed to start)", "the status it failed with", Reserved, Reserved],
        BugCheckCode.ManuallyInitiatedCrash => ["the source of the crash (0: lkg crash)", Reserved, Reserved, Reserved],
        _ => [Reserved, Reserved, Reserved, Reserved],
    };

    private static string Access(ulong value, ulong[] write, ulong? execute) =>
        value == 0 ? "0: a read operation"
        : write.Contains(value) ? $"{value}: a write operation"
        : value == execute ? $"0x{value:X}: an execute operation"
        : $"0x{value:X}: the kind of access (0 read, {string.Join(" or ", write)} write)";

    private static string[] BadPoolHeader(ulong subtype) => subtype switch
    {
        0x3 => ["0x3: the free-list links of a free block do not point back at it", "the pool entry being checked", "the read-back forward link's backward link", "the read-back backward link's forward link"],
        0x5 => ["0x5: two adjacent pool blocks' headers contradict each other", "one of the pool entries", Reserved, "the other pool entry"],
        0xD => ["0xD: a free block's header was modified after it was freed (an overrun of the block before it)", "the pool entry", "the header contents found", Reserved],
        0x20 => ["0x20: the header of the block being freed is corrupt", "the pool entry being checked", "the next pool entry", Reserved],
        0x21 => ["0x21: the data following the block being freed is corrupt: the freeing caller overran it", "the block being freed", "the number of bytes allocated", "the corrupted value found"],
        _ => [$"0x{subtype:X}: the kind of pool violation", Reserved, Reserved, Reserved],
    };

    private static string[] BadPoolCaller(ulong subtype) => subtype switch
    {
        0x00 => ["0x0: a zero-byte allocation", Reserved, "the pool type", "the pool tag"],
        0x07 => ["0x7: a block freed that is already free (a double free)", Reserved, "the pool header's contents", "the address of the block being freed"],
        0x0A => ["0xA: a block freed with a tag other than its own", "the address of the block", "the allocator's tag", "the tag used in the free"],
        0x42 => ["0x42: a free of an address that was never in the pool", "the address being freed", Reserved, Reserved],
        _ => [$"0x{subtype:X}: the kind of bad pool request", Reserved, Reserved, Reserved],
    };

    private static string[] Verifier(ulong subtype) => subtype switch
    {
        0x62 => ["0x62: a driver is unloading without freeing its pool allocations (pool tracking)", "the driver", Reserved, "the number of allocations still held"],
        0x1000 => ["0x1000: a thread acquires a lock it already holds, a self-deadlock (deadlock detection)", "the lock acquired again", Reserved, Reserved],
        0x1001 => ["0x1001: locks taken in an order that can deadlock (deadlock detection)", "the lock whose order was inverted", "the lock held while taking it", Reserved],
        _ => [$"0x{subtype:X}: the verifier rule broken", Reserved, Reserved, Reserved],
    };
}
