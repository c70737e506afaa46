namespace LastKnownGood.Diagnostics;

/// <summary>
/// What <see cref="DumpReader"/> recovered from a dump: the faulting thread, why it was taken for
/// it, its frames (top first) and the modules loaded; once read back by <see cref="DumpReader.Read"/>,
/// the frames carry their owners and the modules are the drivers' only.
/// </summary>
public sealed record DumpStack(int ManagedThreadId, string Why, IReadOnlyList<CrashFrame> Frames, IReadOnlyList<string> Modules);
