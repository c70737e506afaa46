namespace LastKnownGood.Registry;

/// <summary>The outcome of a write: the new <c>Default</c> set, or the old one when the write changed nothing.</summary>
public readonly record struct WriteResult(int ControlSet, bool Changed);
