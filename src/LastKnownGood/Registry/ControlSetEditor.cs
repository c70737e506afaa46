using LastKnownGood.Registry.Internal;

namespace LastKnownGood.Registry;

/// <summary>
/// The changes of one write, applied on top of the <c>Default</c> control set inside the
/// write's transaction. Nothing is visible to anyone until the write commits as a new set.
/// </summary>
public sealed class ControlSetEditor
{
    private readonly NodeStore _nodes;
    private readonly BlobStore _blobs;
    private readonly MutableKey _root;

    internal ControlSetEditor(NodeStore nodes, BlobStore blobs, MutableKey root)
    {
        _nodes = nodes;
        _blobs = blobs;
        _root = root;
    }

    public void SetValue(KeyPath key, string name, RegistryValue value)
    {
        RegistryNames.RequireValueName(name);
        if (value.Kind == RegistryValueKind.File && _blobs.SizeOf(value.AsFile().Hash) != value.AsFile().Size)
        {
            throw new LkgException(NtStatus.ObjectNameNotFound,
                $"The FILE value \"{Quote.Short(name)}\" names content {value.AsFile().Hash.ToShortString()} that the hive does not hold; store the file with StoreFile first.");
        }

        Open(key, create: true).SetValue(name, value);
    }

    public void DeleteValue(KeyPath key, string name)
    {
        if (!Open(key, create: false).DeleteValue(name))
        {
            throw new LkgException(NtStatus.ObjectNameNotFound, $"The key {Quote.Short(key.ToString())} has no value \"{Quote.Short(name)}\"; list its values with lkg reg query.");
        }
    }

    public void CreateKey(KeyPath key) => Open(key, create: true);

    /// <summary>Deletes a key with all its subkeys, as RegDeleteTree does.</summary>
    public void DeleteKey(KeyPath key)
    {
        if (key.IsRoot)
        {
            throw new LkgException(NtStatus.AccessDenied, "The root of a control set cannot be deleted; delete the keys below it.");
        }

        if (!Open(key.Parent, create: false).DeleteSubkey(key.Name))
        {
            throw new LkgException(NtStatus.ObjectNameNotFound, $"The key {Quote.Short(key.ToString())} does not exist; list the keys with lkg reg query.");
        }
    }

    /// <summary>
    /// Streams a content file into the hive's blob store; use the result in a FILE value. It is
    /// read inside the write: give it only streams of bounded, trusted bytes, and stage a user's
    /// file with <see cref="StagedContent"/> instead.
    /// </summary>
    public FileReference StoreFile(Stream content, string name)
    {
        RegistryNames.RequireValueName(name);
        var (hash, size) = _blobs.Put(content);
        return new(hash, size, name);
    }

    /// <summary>
    /// Stores a file staged before the write began (<see cref="StagedContent.Stage"/>): content the
    /// hive already holds costs one lookup, and nothing outside the machine is read while the
    /// write holds the hive.
    /// </summary>
    public FileReference StoreFile(StagedContent content, string name)
    {
        RegistryNames.RequireValueName(name);
        if (_blobs.SizeOf(content.Hash) is not { } size)
        {
            using var stream = content.OpenRead();
            (var hash, size) = _blobs.Put(stream);
            if (hash != content.Hash)
            {
                throw new InvalidOperationException($"The staged copy {content.TemporaryPath} changed before it was stored.");
            }
        }

        return new(content.Hash, size, name);
    }

    public void Apply(RegistryChange change)
    {
        switch (change)
        {
            case RegistryChange.SetValue set:
                SetValue(set.Key, set.Name, set.Value);
                break;
            case RegistryChange.DeleteValue delete:
                DeleteValue(delete.Key, delete.Name);
                break;
            case RegistryChange.CreateKey create:
                CreateKey(create.Key);
                break;
            case RegistryChange.DeleteKey delete:
                DeleteKey(delete.Key);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown registry change.");
        }
    }

    internal ContentHash Freeze() => _root.Freeze(_nodes);

    private MutableKey Open(KeyPath key, bool create)
    {
        var current = _root;
        foreach (var segment in key.Segments)
        {
            current = current.OpenSubkey(segment, create, _nodes)
                ?? throw new LkgException(NtStatus.ObjectNameNotFound, $"The key {Quote.Short(key.ToString())} does not exist; list the keys with lkg reg query.");
        }

        return current;
    }
}
