namespace LastKnownGood.Boot;

/// <summary>
/// The dump of a bug checked boot's stopped kernel, written while the next boot runs (DESIGN §9):
/// <see cref="Written"/> completes once <c>createdump</c> is done and the kernel's group has been
/// killed, with the error when no dump was written. <see cref="CrashId"/> is the crash record the
/// dump belongs to, once that is durable; null while it is not (or if it never became so).
/// </summary>
internal sealed class PendingDump(BootRecord boot, KernelProcess kernel, Task<string?> written)
{
    public BootRecord Boot => boot;

    public KernelProcess Kernel => kernel;

    public Task<string?> Written => written;

    public long? CrashId { get; set; }
}
