using System.Diagnostics.CodeAnalysis;

namespace LastKnownGood;

/// <summary>
/// Everything the kernel offers a driver. Every call returns a status and none throws; callbacks
/// run by the kernel (work items, timers, event handlers) are covered by the kernel's watchdog
/// and exception boundary exactly like <see cref="IDriver.DriverEntry"/>.
/// </summary>
public interface IDriverContext
{
    /// <summary>The driver's service name, <c>Services\&lt;Name&gt;</c>.</summary>
    string DriverName { get; }

    /// <summary>
    /// Reads <c>Services\&lt;Name&gt;\Parameters\&lt;name&gt;</c>: a <see cref="uint"/> (DWORD),
    /// <see cref="ulong"/> (QWORD), <see cref="string"/> (SZ), <see cref="T:string[]"/> (MULTI_SZ) or <see cref="T:byte[]"/> (BINARY).
    /// </summary>
    NtStatus QueryParameter(string name, out object? value);

    /// <summary>The names of the content files in <c>Services\&lt;Name&gt;\Content</c>.</summary>
    IReadOnlyList<string> ContentNames { get; }

    /// <summary>Opens a content file for reading; the caller disposes the stream.</summary>
    NtStatus OpenContent(string name, out Stream? content);

    /// <summary>Allocates a block of the shared pool, as <c>ExAllocatePoolWithTag</c>.</summary>
    NtStatus AllocatePool(int size, uint tag, out PoolBlock? block);

    /// <summary>Frees a block; the tag must be the one it was allocated with.</summary>
    NtStatus FreePool(PoolBlock block, uint tag);

    /// <summary>Runs <paramref name="work"/> on a kernel worker thread.</summary>
    NtStatus QueueWorkItem(Action work);

    /// <summary>
    /// Runs <paramref name="callback"/> after <paramref name="dueTime"/>, then every <paramref name="period"/> (zero: once).
    /// Disposing <paramref name="timer"/> cancels it and waits for a callback already running: once it returns, the
    /// callback never runs again, so <see cref="IDriver.Unload"/> disposes its timers before it frees what they touch.
    /// </summary>
    NtStatus SetTimer(TimeSpan dueTime, TimeSpan period, Action callback, out IDisposable? timer);

    /// <summary>Creates a lock that the kernel can order and watch (deadlock detection applies to these).</summary>
    NtStatus CreateLock(string name, out IKernelLock? kernelLock);

    /// <summary>Writes to the event log; the last events go into a crash record.</summary>
    void Log(string message);

    /// <summary>
    /// Calls <paramref name="handler"/> for each kernel event of <paramref name="eventType"/>: <c>ipc</c>
    /// (an IPC endpoint opened or connected to, 20 fields), or <c>content</c> (this driver's content
    /// changed while the machine runs; the fields are the names of the files that changed, and
    /// <see cref="ContentNames"/> and <see cref="OpenContent"/> serve the new content from then on).
    /// </summary>
    NtStatus Subscribe(string eventType, Action<KernelEvent> handler);

    /// <summary>Says this boot is good, for machines where only an explicit report accepts a boot.</summary>
    NtStatus ReportBootOk();

    /// <summary>Stops the machine at once, as <c>KeBugCheckEx</c>. Never returns.</summary>
    [DoesNotReturn]
    void BugCheck(BugCheckCode code, ulong parameter1 = 0, ulong parameter2 = 0, ulong parameter3 = 0, ulong parameter4 = 0);
}
