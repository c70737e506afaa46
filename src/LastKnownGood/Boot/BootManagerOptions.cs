namespace LastKnownGood.Boot;

/// <summary>How <c>lkg boot</c> runs; the defaults are those of a long-lived supervisor.</summary>
public sealed record BootManagerOptions
{
    public required KernelCommandLine Kernel { get; init; }

    /// <summary>Null: run until stopped.</summary>
    public BootUntil? Until { get; init; }

    /// <summary>Give up (and shut the machine down) after this long; null: never.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Boot safe mode first, whatever the history says (<c>--safe-mode</c>).</summary>
    public BootMode? SafeMode { get; init; }

    /// <summary>How often a running boot's record is read for readiness, acceptance and <c>boot-ok</c>/<c>boot-bad</c>.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a kernel may take to shut down after SIGTERM before its group is killed.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The program that dumps a bug checked kernel, called as the runtime's <c>createdump</c> is
    /// (<c>-f FILE --normal|--full PID</c>); null, the default: the <c>createdump</c> of the runtime
    /// the kernel runs on. <c>lkg boot</c> takes it from <see cref="CreateDumpVariable"/>.
    /// </summary>
    public string? CreateDump { get; init; }

    /// <summary>The environment variable that names <see cref="CreateDump"/> for <c>lkg boot</c>.</summary>
    public const string CreateDumpVariable = "LKG_CREATEDUMP";

    /// <summary>The first wait before a write the hive refused (busy, full, read-only) is tried again; each wait doubles, up to <see cref="MaxWriteRetry"/>.</summary>
    public TimeSpan FirstWriteRetry { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two tries of a write the hive refused.</summary>
    public TimeSpan MaxWriteRetry { get; init; } = TimeSpan.FromSeconds(30);
}
