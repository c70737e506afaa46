namespace LastKnownGood;

/// <summary>One row as read: the value when it verifies and parses, else what is wrong with it (<see cref="DamagedRow"/>).</summary>
/// <remarks>A class, not a struct: lists of a struct of ours are compiled just in time at every start of the kernel, which reads rows.</remarks>
public sealed record RowRead<T>(T? Value, DamagedRow? Damage) where T : class;
