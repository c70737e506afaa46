namespace LastKnownGood;

/// <summary>
/// A driver: the one type a driver package exports. The kernel creates it once per boot, calls
/// <see cref="DriverEntry"/>, and calls <see cref="Unload"/> at shutdown. The same code runs in
/// kernel mode (in the kernel process) or in user mode (in its own host); it must not assume which.
/// </summary>
/// <remarks>
/// An exception that escapes either method, or any callback the driver registered, is a bug
/// check in kernel mode and a host crash in user mode: return a failure <see cref="NtStatus"/> instead.
/// </remarks>
public interface IDriver
{
    /// <summary>Starts the driver. A failure status is a start failure, handled by the driver's ErrorControl.</summary>
    NtStatus DriverEntry(IDriverContext context);

    /// <summary>Stops the driver: release pool blocks, locks and timers it holds.</summary>
    void Unload();
}
