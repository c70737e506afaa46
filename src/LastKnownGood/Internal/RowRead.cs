namespace LastKnownGood.Internal;

/// <summary>One row as read: the value when it verifies and parses, else what is wrong with it.</summary>
internal readonly record struct RowRead<T>(T? Value, DamagedRow? Damage) where T : class;
