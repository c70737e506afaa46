using LastKnownGood.Registry;

namespace LastKnownGood.Recovery;

/// <summary>
/// What a bisection splits (DESIGN §8): one change set's differences from its parent within one
/// component's <c>Services\&lt;Name&gt;</c> subtree (<see cref="Component"/>), or outside every
/// component (null). A change set that touches several components is as many units.
/// </summary>
public sealed record ChangeUnit(int ControlSet, string? Component, IReadOnlyList<RegistryDifference> Differences)
{
    /// <summary>The unit in words, as a report and a set's reason name it.</summary>
    public string Describe() => $"{Component ?? "the system keys"} in {ControlSetInfo.FormatName(ControlSet)}";

    /// <summary>
    /// The units from <paramref name="good"/> to <paramref name="failed"/>, oldest first: the change
    /// sets of <paramref name="failed"/>'s ancestry after <paramref name="good"/>, each split by
    /// component. Null when <paramref name="good"/> is not an ancestor of it (or one of the sets
    /// between is gone): there is then nothing to split.
    /// </summary>
    public static IReadOnlyList<ChangeUnit>? Between(Hive hive, int good, int failed)
    {
        var chain = new List<ControlSetInfo>();
        var set = hive.FindControlSet(failed);
        while (set is not null && set.Id != good)
        {
            chain.Add(set);
            set = set.Parent is { } parent ? hive.FindControlSet(parent) : null;
        }

        if (set is null)
        {
            return null;
        }

        chain.Reverse();
        return [.. chain.SelectMany(c => hive.Diff(c.Parent!.Value, c.Id)
            .GroupBy(d => Quarantine.ComponentOf(d.Key), StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Key ?? "", StringComparer.OrdinalIgnoreCase)
            .Select(g => new ChangeUnit(c.Id, g.Key, [.. g])))];
    }

    /// <summary>Applies <paramref name="units"/>, oldest first, to a set being derived.</summary>
    public static void Apply(ControlSetEditor editor, IEnumerable<ChangeUnit> units)
    {
        foreach (var difference in units.SelectMany(u => u.Differences))
        {
            editor.Apply(difference.ToChange());
        }
    }
}

/// <summary>
/// A bisection's state, kept in each of its boots' recovery reports: the failed set whose units it
/// splits, the set it began from, how many units there are, the most applied units known good
/// (<see cref="Good"/>: Last Known Good holds units 1..Good) and the fewest known bad
/// (<see cref="Bad"/>: units 1..Bad fail); the units this boot's trial applies, and the trial
/// boots so far; <see cref="Convicted"/> is the boot whose failure made <see cref="Bad"/> bad. The
/// culprit is unit <see cref="Bad"/> once <c>Bad - Good</c> is 1.
/// </summary>
public sealed record Bisection(int Failed, int Base, int Units, int Good, int Bad, int Trial, int Trials, int Convicted);
