namespace LastKnownGood.Diagnostics;

/// <summary>What <see cref="DumpReader"/> recovered from a dump: the faulting thread, why it was taken for it, and its frames, top first.</summary>
public sealed record DumpStack(int ManagedThreadId, string Why, IReadOnlyList<CrashFrame> Frames);
