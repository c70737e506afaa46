namespace LastKnownGood.Diagnostics;

/// <summary>What <see cref="DumpReader"/> recovered from a dump: the faulting thread, why it was taken for it, its frames (top first) and the drivers' modules loaded.</summary>
public sealed record DumpStack(int ManagedThreadId, string Why, IReadOnlyList<CrashFrame> Frames, IReadOnlyList<string> DriverModules);
