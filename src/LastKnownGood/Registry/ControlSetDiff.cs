using LastKnownGood.Registry.Internal;

namespace LastKnownGood.Registry;

/// <summary>
/// Compares two hash trees. Subtrees with equal hashes are skipped unread, so the cost is in
/// proportion to what changed, not to the size of the registry.
/// </summary>
internal static class ControlSetDiff
{
    public static List<RegistryDifference> Compute(NodeStore nodes, ContentHash older, ContentHash newer)
    {
        var differences = new List<RegistryDifference>();
        if (older != newer)
        {
            CompareKeys(nodes, KeyPath.Root, nodes.Load(older), nodes.Load(newer), differences);
        }

        return differences;
    }

    private static void CompareKeys(NodeStore nodes, KeyPath path, KeyNode older, KeyNode newer, List<RegistryDifference> differences)
    {
        Merge(older.Values, newer.Values, static v => v.Name,
            removed => differences.Add(new(DifferenceKind.ValueDeleted, path, removed.Name, removed.Value, null)),
            added => differences.Add(new(DifferenceKind.ValueAdded, path, added.Name, null, added.Value)),
            (a, b) =>
            {
                // A name that changed case only is a delete and an add, so that applying the diff is exact.
                if (a.Name != b.Name)
                {
                    differences.Add(new(DifferenceKind.ValueDeleted, path, a.Name, a.Value, null));
                    differences.Add(new(DifferenceKind.ValueAdded, path, b.Name, null, b.Value));
                }
                else if (!a.Value.Equals(b.Value))
                {
                    differences.Add(new(DifferenceKind.ValueChanged, path, a.Name, a.Value, b.Value));
                }
            });

        Merge(older.Subkeys, newer.Subkeys, static s => s.Name,
            removed => differences.Add(new(DifferenceKind.KeyDeleted, path.Child(removed.Name), null, null, null)),
            added => AddTree(nodes, path.Child(added.Name), nodes.Load(added.Hash), differences),
            (a, b) =>
            {
                if (a.Name != b.Name)
                {
                    differences.Add(new(DifferenceKind.KeyDeleted, path.Child(a.Name), null, null, null));
                    AddTree(nodes, path.Child(b.Name), nodes.Load(b.Hash), differences);
                }
                else if (a.Hash != b.Hash)
                {
                    CompareKeys(nodes, path.Child(a.Name), nodes.Load(a.Hash), nodes.Load(b.Hash), differences);
                }
            });
    }

    private static void AddTree(NodeStore nodes, KeyPath path, KeyNode node, List<RegistryDifference> differences)
    {
        differences.Add(new(DifferenceKind.KeyAdded, path, null, null, null));
        foreach (var value in node.Values)
        {
            differences.Add(new(DifferenceKind.ValueAdded, path, value.Name, null, value.Value));
        }

        foreach (var subkey in node.Subkeys)
        {
            AddTree(nodes, path.Child(subkey.Name), nodes.Load(subkey.Hash), differences);
        }
    }

    /// <summary>Walks two lists sorted by name, case-insensitively, pairing entries of the same name.</summary>
    private static void Merge<T>(IReadOnlyList<T> older, IReadOnlyList<T> newer, Func<T, string> nameOf,
        Action<T> onlyOlder, Action<T> onlyNewer, Action<T, T> both)
    {
        int i = 0, j = 0;
        while (i < older.Count || j < newer.Count)
        {
            var order = i == older.Count ? 1 : j == newer.Count ? -1 : RegistryNames.Comparer.Compare(nameOf(older[i]), nameOf(newer[j]));
            if (order < 0)
            {
                onlyOlder(older[i++]);
            }
            else if (order > 0)
            {
                onlyNewer(newer[j++]);
            }
            else
            {
                both(older[i++], newer[j++]);
            }
        }
    }
}
