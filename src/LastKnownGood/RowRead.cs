namespace LastKnownGood;

/// <summary>One row as read: the value when it verifies and parses, else what is wrong with it (<see cref="DamagedRow"/>).</summary>
public readonly record struct RowRead<T>(T? Value, DamagedRow? Damage) where T : class;
