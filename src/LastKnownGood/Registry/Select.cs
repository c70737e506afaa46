namespace LastKnownGood.Registry;

/// <summary>
/// <c>SYSTEM\Select</c>: which control set the running boot uses (<see cref="Current"/>), which
/// the next boot takes (<see cref="Default"/>), which last failed, and Last Known Good. 0 = none.
/// </summary>
public readonly record struct Select(int Current, int Default, int Failed, int LastKnownGood)
{
    /// <summary>The four values by their registry names, in Windows' order.</summary>
    public (string Name, int ControlSet)[] Values =>
        [(nameof(Current), Current), (nameof(Default), Default), (nameof(Failed), Failed), (nameof(LastKnownGood), LastKnownGood)];

    /// <summary>
    /// The sets this names, without zeros and repeats, in the order of <see cref="Values"/>. A loop,
    /// not LINQ: every boot reads it, and LINQ over <c>int</c> is compiled just in time at each start.
    /// </summary>
    public List<int> Named
    {
        get
        {
            var named = new List<int>(4);
            Add(Current);
            Add(Default);
            Add(Failed);
            Add(LastKnownGood);
            return named;

            void Add(int id)
            {
                if (id != 0 && !named.Contains(id))
                {
                    named.Add(id);
                }
            }
        }
    }
}
