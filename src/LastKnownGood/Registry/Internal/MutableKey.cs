namespace LastKnownGood.Registry.Internal;

/// <summary>
/// A key being edited on top of a stored node. Only the keys on the path of a change are
/// opened; every other subkey stays a link to its stored node, so freezing the edit writes
/// just the changed nodes: deriving a set costs in proportion to the change. Edits patch
/// copies of the node's sorted lists in place, so nothing is re-sorted when the key is frozen.
/// </summary>
internal sealed class MutableKey
{
    private readonly KeyNode _original;
    private readonly ContentHash? _originalHash;
    private List<NamedValue>? _values;
    private List<SubkeyLink>? _subkeys;
    private Dictionary<string, MutableKey>? _opened;

    public MutableKey(KeyNode original, ContentHash? originalHash, string name = "")
    {
        _original = original;
        _originalHash = originalHash;
        Name = name;
    }

    /// <summary>The key's name as written (the root's is empty).</summary>
    public string Name { get; }

    /// <summary>Sets a value; an existing value keeps the case of its name, as in Windows.</summary>
    public void SetValue(string name, RegistryValue value)
    {
        var values = _values ??= [.. _original.Values];
        var index = KeyNode.IndexOf(values, name, static v => v.Name);
        if (index >= 0)
        {
            values[index] = new(values[index].Name, value);
        }
        else
        {
            values.Insert(~index, new(name, value));
        }
    }

    public bool DeleteValue(string name)
    {
        var values = _values ??= [.. _original.Values];
        var index = KeyNode.IndexOf(values, name, static v => v.Name);
        if (index >= 0)
        {
            values.RemoveAt(index);
        }

        return index >= 0;
    }

    /// <summary>Opens a subkey for editing; null when it does not exist and <paramref name="create"/> is false.</summary>
    public MutableKey? OpenSubkey(string name, bool create, NodeStore nodes)
    {
        _opened ??= new(RegistryNames.Comparer);
        if (_opened.TryGetValue(name, out var opened))
        {
            return opened;
        }

        var subkeys = _subkeys ??= [.. _original.Subkeys];
        var index = KeyNode.IndexOf(subkeys, name, static s => s.Name);
        if (index < 0 && !create)
        {
            return null;
        }

        if (index < 0)
        {
            subkeys.Insert(~index, new(name, default));
        }

        var link = subkeys[index < 0 ? ~index : index];
        var key = index >= 0 ? new MutableKey(nodes.Load(link.Hash), link.Hash, link.Name) : new MutableKey(KeyNode.Empty, null, name);
        _opened[name] = key;
        return key;
    }

    public bool DeleteSubkey(string name)
    {
        var subkeys = _subkeys ??= [.. _original.Subkeys];
        var index = KeyNode.IndexOf(subkeys, name, static s => s.Name);
        if (index >= 0)
        {
            subkeys.RemoveAt(index);
            _opened?.Remove(name);
        }

        return index >= 0;
    }

    /// <summary>Stores every opened key below and this one, and returns this key's hash.</summary>
    public ContentHash Freeze(NodeStore nodes)
    {
        if (_values is null && _subkeys is null && _originalHash is { } unchanged)
        {
            return unchanged;
        }

        var subkeys = _subkeys is null ? [.. _original.Subkeys] : _subkeys.ToArray();
        for (var i = 0; i < subkeys.Length; i++)
        {
            if (_opened is not null && _opened.TryGetValue(subkeys[i].Name, out var opened))
            {
                subkeys[i] = new(opened.Name, opened.Freeze(nodes));
            }
        }

        return nodes.Save(new KeyNode(_values?.ToArray() ?? [.. _original.Values], subkeys));
    }
}
