namespace LastKnownGood.Registry;

/// <summary>
/// <c>SYSTEM\Select</c>: which control set the running boot uses (<see cref="Current"/>), which
/// the next boot takes (<see cref="Default"/>), which last failed, and Last Known Good. 0 = none.
/// </summary>
public readonly record struct Select(int Current, int Default, int Failed, int LastKnownGood)
{
    /// <summary>The four values by their registry names, in Windows' order.</summary>
    public IEnumerable<(string Name, int ControlSet)> Values =>
        [(nameof(Current), Current), (nameof(Default), Default), (nameof(Failed), Failed), (nameof(LastKnownGood), LastKnownGood)];

    /// <summary>The sets this names, without zeros and repeats.</summary>
    public IEnumerable<int> Named => Values.Select(v => v.ControlSet).Where(id => id != 0).Distinct();
}
