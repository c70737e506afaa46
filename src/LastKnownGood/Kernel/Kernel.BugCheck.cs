using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Internal;
using Microsoft.Diagnostics.NETCore.Client;

namespace LastKnownGood.Kernel;

public sealed partial class Kernel
{
    private int _stopping;
    private DumpType? _dumpType;

    /// <summary>
    /// KeBugCheckEx (DESIGN §9): no further driver code is dispatched, the crash record is
    /// written and flushed, and the process ends at once with exit code 66. A second bug check
    /// racing the first waits for the process to end. It never returns; callers write
    /// <c>throw BugCheck(…)</c> so the compiler knows it too.
    /// </summary>
    [DoesNotReturn]
    internal Exception BugCheck(BugCheckCode code, ulong p1, ulong p2, ulong p3, ulong p4, string? component, Exception? exception, string message)
    {
        WaitIfStopping(enter: true);
        StopWatchdog();
        var record = new CrashRecord(_time.GetUtcNow(), code, [p1, p2, p3, p4], _options.Boot, _controlSet, component,
            exception?.GetType().FullName, message, StackOf(exception), Events.Recent());
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

        Console.Error.WriteLine($"*** STOP: 0x{(uint)code:X8} ({record.Name}) {component ?? "kernel"}: {message} [crash {id}]");
        WriteDump(id);
        Console.Error.WriteLine(record.Stack);
        Console.Error.Flush();
        Libc.Exit(KernelExitCodes.BugCheck);
        throw new UnreachableException();
    }

    /// <summary><c>lkg crash</c>: bug check 0xE2 MANUALLY_INITIATED_CRASH. Never returns.</summary>
    public void CrashManually() =>
        throw BugCheck(BugCheckCode.ManuallyInitiatedCrash, 0, 0, 0, 0, null, null, "lkg crash: a manually initiated crash.");

    /// <summary>
    /// The exception's own stack (from where it was thrown to where the kernel caught it) and the
    /// thread's stack at the bug check, which holds the callers above the catch: for corruption
    /// found by a kernel service, that is the driver that called it.
    /// </summary>
    private static string StackOf(Exception? exception)
    {
        var thread = new StackTrace(2, fNeedFileInfo: true).ToString();
        return exception is null ? thread : $"{exception}\n--- stack of the thread at the bug check ---\n{thread}";
    }

    /// <summary>CrashControl\DumpType: mini or full writes this process's dump as <c>dumps/crash-&lt;id&gt;.dmp</c>.</summary>
    private void WriteDump(long crashId)
    {
        if (_dumpType is not { } type)
        {
            return;
        }

        var path = Path.Combine(_machine.DumpsPath, $"crash-{crashId}.dmp");
        try
        {
            Directory.CreateDirectory(_machine.DumpsPath);
            new DiagnosticsClient(Environment.ProcessId).WriteDump(type, path, logDumpGeneration: false);
            Console.Error.WriteLine($"Dump written to {path}");
        }
        catch (Exception e) when (e is ServerErrorException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            Console.Error.WriteLine($"The dump could not be written: {e.Message}");
        }
    }

    /// <summary>Once a bug check has begun, every other thread that reaches the kernel stops here for good.</summary>
    private void WaitIfStopping(bool enter = false)
    {
        var stopping = enter ? Interlocked.Exchange(ref _stopping, 1) : Volatile.Read(ref _stopping);
        if (stopping == 1)
        {
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
