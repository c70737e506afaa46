using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Internal;
using LastKnownGood.Kernel.Pool;

namespace LastKnownGood.Kernel;

public sealed partial class Kernel
{
    private int _stopping;

    /// <summary>How long a bug check waits for the event log to be written before it hands its record over.</summary>
    private static readonly TimeSpan EventLogFlushTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// KeBugCheckEx (DESIGN §9). From the instant it is called no component code runs on: the
    /// SDK's gate closes, so every driver thread stops at its next kernel call or return, and a
    /// second bug check racing this one stops there too. The record is built in memory; under a
    /// boot manager it is handed over the crash pipe and the kernel stops its whole process group,
    /// itself included, before anything slow: the boot manager makes the record durable, takes
    /// the dump and ends the group. Without a boot manager, or when the pipe is gone, the kernel
    /// writes the record to the hive itself and exits with 66. It never returns; callers write
    /// <c>throw BugCheck(…)</c> so the compiler knows it too.
    /// </summary>
    [DoesNotReturn]
    internal Exception BugCheck(BugCheckCode code, ulong p1, ulong p2, ulong p3, ulong p4, string? component, Exception? exception, string message)
    {
        WaitIfStopping(enter: true);
        var decided = _time.GetUtcNow();
        StopWatchdog();
        var (frames, stack) = CrashStack.Capture(exception, new StackTrace(1, fNeedFileInfo: false));
        var record = new CrashRecord(decided, code, [p1, p2, p3, p4], _options.Boot, _controlSet, component,
            exception?.GetType().FullName, message, stack, Events.Recent())
        {
            Frames = frames,
            Pool = exception is BugCheckException bugCheck && PoolCorruption.Of(bugCheck) is { } corruption ? EvidenceOf(corruption) : null,
        };

        Events.Write("kernel", $"bug check 0x{(uint)code:X8} {BugCheckCodes.Name(code)} in {component ?? "the kernel"}: {message}", EventLevel.Error);
        Events.Halt(EventLogFlushTimeout);
        if (_options.CrashHandoff is { } pipe && HandOver(pipe, record))
        {
            // Stopped here, or, should the stop not hold, waiting here: the boot manager ends the group.
            _ = Libc.Kill(0, Libc.SignalStop);
            Thread.Sleep(Timeout.Infinite);
        }

        Record(record);
        KillStrays();
        Libc.Exit(KernelExitCodes.BugCheck);
        throw new UnreachableException();
    }

    /// <summary><c>lkg crash</c>: bug check 0xE2 MANUALLY_INITIATED_CRASH. Never returns.</summary>
    public void CrashManually() =>
        throw BugCheck(BugCheckCode.ManuallyInitiatedCrash, 0, 0, 0, 0, null, null, "lkg crash: a manually initiated crash.");

    /// <summary>Writes the whole frame to the boot manager's pipe; false when it cannot (the boot manager is gone).</summary>
    private static unsafe bool HandOver(int pipe, CrashRecord record)
    {
        var frame = CrashHandoff.Encode(record);
        fixed (byte* start = frame)
        {
            for (nint written = 0; written < frame.Length;)
            {
                var result = Libc.Write(pipe, start + written, frame.Length - written);
                if (result <= 0)
                {
                    return false;
                }

                written += result;
            }
        }

        return true;
    }

    /// <summary>No boot manager to hand the record to: written durably here, with the stop line the boot manager would print.</summary>
    private void Record(CrashRecord record)
    {
        long id = 0;
        try
        {
            id = CrashLog.Append(_machine.HivePath, record);
        }
        catch (Exception e) when (e is LkgException or IOException)
        {
            // The boot manager writes a record from our exit status and standard error instead.
            Console.Error.WriteLine($"The crash record could not be written: {e.Message}");
        }

        Console.Error.WriteLine(StopLine.Format(record.Code, record.Component, record.Message, id));
        Console.Error.WriteLine(record.Stack);
        Console.Error.Flush();
    }

    /// <summary>The pool's owner ids as driver names, for a record that outlives this boot's numbering.</summary>
    private PoolEvidence EvidenceOf(PoolCorruption corruption) => new(
        (ulong)corruption.CorruptBlock, Tag(corruption.CorruptBlockTag), OwnerName(corruption.CorruptOwner),
        corruption.PrecedingBlock is { } preceding ? (ulong)preceding : null, Tag(corruption.PrecedingBlockTag), OwnerName(corruption.PrecedingOwner));

    private static string? Tag(uint? tag) => tag is { } t ? PoolTag.Format(t) : null;

    private string? OwnerName(int? owner) => owner is not { } id ? null
        : _driverNames is var names && id >= 1 && id <= names.Length ? names[id - 1] : $"owner {id}";

    /// <summary>Once a bug check has begun, every other thread that reaches the kernel stops here for good.</summary>
    private void WaitIfStopping(bool enter = false)
    {
        var stopping = enter ? Interlocked.Exchange(ref _stopping, 1) : Volatile.Read(ref _stopping);
        if (stopping == 1)
        {
            Thread.Sleep(Timeout.Infinite);
        }
    }

    /// <summary>The SDK's gate: every kernel call a driver makes passes it on the way in and on the way out.</summary>
    internal void Gate() => WaitIfStopping();
}
