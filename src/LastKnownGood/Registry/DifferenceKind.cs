namespace LastKnownGood.Registry;

public enum DifferenceKind
{
    KeyAdded,
    KeyDeleted,
    ValueAdded,
    ValueChanged,
    ValueDeleted,
}
