namespace LastKnownGood.Registry.Internal;

/// <summary>
/// A key being edited on top of a stored node. Only the keys on the path of a change are
/// opened; every other subkey stays a link to its stored node, so freezing the edit writes
/// just the changed nodes: deriving a set costs in proportion to the change.
/// </summary>
internal sealed class MutableKey
{
    private readonly KeyNode _original;
    private readonly ContentHash? _originalHash;
    private Dictionary<string, NamedValue>? _values;
    private Dictionary<string, object>? _subkeys; // SubkeyLink (untouched) or MutableKey (opened)

    public MutableKey(KeyNode original, ContentHash? originalHash)
    {
        _original = original;
        _originalHash = originalHash;
    }

    /// <summary>Sets a value; an existing value keeps the case of its name, as in Windows.</summary>
    public void SetValue(string name, RegistryValue value)
    {
        var values = EditValues();
        values[name] = new(values.TryGetValue(name, out var old) ? old.Name : name, value);
    }

    public bool DeleteValue(string name) => EditValues().Remove(name);

    /// <summary>Opens a subkey for editing; null when it does not exist and <paramref name="create"/> is false.</summary>
    public MutableKey? OpenSubkey(string name, bool create, NodeStore nodes)
    {
        var subkeys = EditSubkeys();
        if (subkeys.TryGetValue(name, out var entry))
        {
            if (entry is MutableKey opened)
            {
                return opened;
            }

            var link = (SubkeyLink)entry;
            var key = new MutableKey(nodes.Load(link.Hash), link.Hash) { Name = link.Name };
            subkeys[name] = key;
            return key;
        }

        if (!create)
        {
            return null;
        }

        var created = new MutableKey(KeyNode.Empty, null) { Name = name };
        subkeys[name] = created;
        return created;
    }

    public bool DeleteSubkey(string name) => EditSubkeys().Remove(name);

    /// <summary>The key's name as written (the root's is empty).</summary>
    public string Name { get; private init; } = "";

    /// <summary>Stores every opened key below and this one, and returns this key's hash.</summary>
    public ContentHash Freeze(NodeStore nodes)
    {
        if (_values is null && _subkeys is null && _originalHash is { } unchanged)
        {
            return unchanged;
        }

        var values = _values is null ? [.. _original.Values] : _values.Values.ToArray();
        Array.Sort(values, static (a, b) => RegistryNames.Comparer.Compare(a.Name, b.Name));
        var subkeys = _subkeys is null
            ? [.. _original.Subkeys]
            : _subkeys.Values.Select(e => e is MutableKey key ? new SubkeyLink(key.Name, key.Freeze(nodes)) : (SubkeyLink)e).ToArray();
        Array.Sort(subkeys, static (a, b) => RegistryNames.Comparer.Compare(a.Name, b.Name));
        return nodes.Save(new KeyNode(values, subkeys));
    }

    private Dictionary<string, NamedValue> EditValues() =>
        _values ??= _original.Values.ToDictionary(v => v.Name, RegistryNames.Comparer);

    private Dictionary<string, object> EditSubkeys() =>
        _subkeys ??= _original.Subkeys.ToDictionary(s => s.Name, s => (object)s, RegistryNames.Comparer);
}
