namespace LastKnownGood;

/// <summary>An event the kernel dispatches to subscribed drivers, such as an IPC connection being opened.</summary>
public sealed record KernelEvent(string Type, IReadOnlyList<string> Fields);
