using System.Diagnostics.CodeAnalysis;

namespace LastKnownGood.Registry;

/// <summary>
/// One key of a control set as stored: its values and its subkeys' hashes, each list sorted by
/// name case-insensitively. A node is immutable and addressed by the SHA-256 of its encoding,
/// so a control set is a hash tree and two sets share every key that did not change.
/// </summary>
public sealed partial class KeyNode
{
    public static readonly KeyNode Empty = new([], []);

    internal KeyNode(NamedValue[] values, SubkeyLink[] subkeys)
    {
        Values = values;
        Subkeys = subkeys;
    }

    public IReadOnlyList<NamedValue> Values { get; }

    public IReadOnlyList<SubkeyLink> Subkeys { get; }

    public bool TryGetValue(string name, out RegistryValue value)
    {
        var index = IndexOf(Values, name, static v => v.Name);
        value = index >= 0 ? Values[index].Value : null!;
        return index >= 0;
    }

    public bool TryGetSubkey(string name, [MaybeNullWhen(false)] out SubkeyLink link)
    {
        var index = IndexOf(Subkeys, name, static s => s.Name);
        link = index >= 0 ? Subkeys[index] : null;
        return index >= 0;
    }

    /// <summary>Binary search by name; the complement of the insertion point when absent.</summary>
    internal static int IndexOf<T>(IReadOnlyList<T> sorted, string name, Func<T, string> nameOf)
    {
        int low = 0, high = sorted.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = RegistryNames.Comparer.Compare(nameOf(sorted[middle]), name);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }
}
